namespace FastMlp.Orleans;

/// <summary>One step of a data-parallel job, as the coordinator saw it.</summary>
/// <param name="Step">Global steps done, from 1.</param>
/// <param name="Epoch">The epoch it belongs to, from 1.</param>
/// <param name="Loss">The step's loss over every worker's batch (sample-weighted mean), before the update.</param>
/// <param name="Samples">Samples in the step over every worker.</param>
/// <param name="Workers">Workers in the step.</param>
/// <param name="StepTime">The coordinator's wall time for the step, from sending it to every worker to the last reply.</param>
/// <param name="ComputeTime">The slowest worker's forward and backward pass.</param>
/// <param name="ReduceTime">
/// The all-reduce as the last worker to contribute saw it: its round trip to the all-reduce grain (sending its
/// gradients, the rank-ordered sum, receiving the mean), without waiting for the others.
/// </param>
/// <param name="GradientBytes">
/// Gradient bytes the step passed to and from the all-reduce: each worker's gradients and the mean back, 2 · workers · 4 ·
/// parameters (a worker with no samples in the step sends none), whether or not they crossed a silo boundary: an
/// all-reduce in a worker's own silo gets them by reference.
/// </param>
public sealed record StepReport(long Step, int Epoch, float Loss, int Samples, int Workers, TimeSpan StepTime, TimeSpan ComputeTime, TimeSpan ReduceTime, long GradientBytes);

/// <summary>The outcome of <see cref="DataParallelTrainer.TrainAsync"/>.</summary>
/// <param name="History">One report per epoch finished.</param>
/// <param name="Steps">Global steps done (a recovery's repeated steps count once).</param>
/// <param name="Workers">Workers at the end.</param>
/// <param name="Recoveries">Times the job continued from a checkpoint after losing a silo, a worker or the all-reduce.</param>
/// <param name="StepsRepeated">Steps run again after recoveries (each at most CheckpointEvery).</param>
/// <param name="Replicas">Every worker's final parameters, in rank order; the coordinator checked them identical bit for bit.</param>
public sealed record DataParallelResult(
    IReadOnlyList<EpochReport> History, long Steps, int Workers, int Recoveries, long StepsRepeated, IReadOnlyList<float[]> Replicas);
