namespace FastMlp.Orleans;

/// <summary>How <see cref="DataParallelTrainer.TrainAsync"/> trains: workers, schedule, optimizer, checkpoints and timeouts.</summary>
public sealed class DataParallelOptions
{
    /// <summary>Worker grains (replicas) to start with; at least 1. They are spread over the silos round robin by rank.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Passes over the training data; at least 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// The global batch: samples per step over all workers, each taking its shard's share (about B / workers). An
    /// epoch has ⌈samples / B⌉ steps whatever the worker count, so a recovery on fewer workers keeps the schedule.
    /// </summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Stop after this many steps (null: after <see cref="Epochs"/>); at least 1.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>The loss; the network's output activation must suit it, as for <see cref="Trainer"/>.</summary>
    public Loss Loss { get; init; } = Loss.CrossEntropy;

    /// <summary>The optimizer every replica runs on the averaged gradients.</summary>
    public OptimizerSettings Optimizer { get; init; } = OptimizerSettings.Sgd(0.1f);

    /// <summary>Seed of the per-shard, per-epoch shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>Take a checkpoint (rank 0's parameters and optimizer state) every this many steps, and at every epoch's end; at least 1. A recovery repeats at most this many steps.</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>
    /// The longest a step may take, and each wait within it (the all-reduce waiting for every rank, the coordinator
    /// for every worker, a worker's setup); positive. Keep it below Orleans' response timeout (30 s by default) so a
    /// stuck step is reported as this job's timeout.
    /// </summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Recoveries from a lost silo, worker or all-reduce before the job gives up; at least 0.</summary>
    public int MaxRecoveries { get; init; } = 3;

    /// <summary>Threads each replica's Trainer may use (its maxDegreeOfParallelism); -1 for all cores of its silo.</summary>
    public int ThreadsPerWorker { get; init; } = 1;

    /// <summary>
    /// Gradient floats per all-reduce bucket; at least 1. A gradient longer than this is cut into buckets, each summed by
    /// its own all-reduce grain on its own silo (bucket b where rank b is), all at once. The default, 2²² floats
    /// (16 MiB), keeps every message well below Orleans' 100 MB limit.
    /// </summary>
    public int BucketSize { get; init; } = 1 << 22;

    /// <summary>Evaluated by the coordinator at each epoch's end (EpochReport.Validation); null for none.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Called after every step, from the coordinator.</summary>
    public IProgress<StepReport>? StepProgress { get; init; }
}
