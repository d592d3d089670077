// The configurations the run measures, each one job (or one Trainer) per round: warm-up steps first, then the
// measured steps, whose per-step figures are appended to the case's samples. A cluster case is a data-parallel job
// of W workers on a started cluster (DataParallelTrainer, StepProgress); a local case is Trainer.Step on the same
// global batch in this process, at 1 or 2 threads; a threads case is the data-parallel algorithm on threads of this
// process, without Orleans. All start from a fresh network every round.
using System.Diagnostics;
using System.Numerics.Tensors;

using FastMlp;
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Orleans;

using Orleans;

namespace ClusterScaling;

/// <summary>A network shape with a short name (W2: 784-256-128-10).</summary>
internal sealed record Model(string Name, int[] Sizes)
{
    public Network Create() => Network.Create(Sizes, Activation.Relu, Activation.Softmax, seed: 1);
}

/// <summary>One measured step: wall time, the slowest worker's forward + backward, the last worker's all-reduce, bytes.</summary>
/// <param name="GradientBytes">StepReport.GradientBytes (the all-reduce's payload in and out).</param>
/// <param name="WireBytes">What Orleans wrote to its connections between this step's report and the previous one's.</param>
/// <param name="AllocatedBytes">What the whole process (silos, client, coordinator) allocated in that interval.</param>
/// <param name="Gen2">Gen-2 collections in that interval.</param>
internal readonly record struct StepSample(TimeSpan Step, TimeSpan Compute, TimeSpan Reduce, long GradientBytes, long WireBytes, long AllocatedBytes, int Gen2);

internal abstract class ScalingCase(Model model, int batch)
{
    public Model Model { get; } = model;

    public int Batch { get; } = batch;

    /// <summary>"Trainer.Step, 1 thread", "3 silos, 2 workers".</summary>
    public abstract string Setup { get; }

    public List<StepSample> Samples { get; } = [];

    /// <summary>The median step time of each measured round, in order.</summary>
    public List<TimeSpan> RoundMedians { get; } = [];

    /// <summary>Runs <paramref name="warmup"/> + <paramref name="steps"/> steps; records the measured ones unless <paramref name="record"/> is false.</summary>
    public async Task RunAsync(Dataset data, int warmup, int steps, int round, bool record)
    {
        var samples = new List<StepSample>(steps);
        await RunAsync(data, warmup, steps, round, samples).ConfigureAwait(false);
        if (record)
        {
            Samples.AddRange(samples);
            long[] ticks = Percentiles.Sorted([.. samples.Select(s => s.Step.Ticks)]);
            RoundMedians.Add(TimeSpan.FromTicks(Percentiles.NearestRank(ticks, 0.5)));
        }
    }

    protected abstract Task RunAsync(Dataset data, int warmup, int steps, int round, List<StepSample> samples);
}

/// <summary>A data-parallel job on <paramref name="silos"/> silos with <paramref name="workers"/> workers (SGD lr 0.01, one thread each).</summary>
internal sealed class ClusterCase(Model model, int batch, IGrainFactory grains, int silos, int workers, WireBytes wire) : ScalingCase(model, batch)
{
    public int Silos { get; } = silos;

    public int Workers { get; } = workers;

    public override string Setup => $"{Silos} silos, {Workers} worker{(Workers == 1 ? "" : "s")}";

    protected override async Task RunAsync(Dataset data, int warmup, int steps, int round, List<StepSample> samples)
    {
        int stepsPerEpoch = (data.Count + Batch - 1) / Batch;
        int total = warmup + steps;
        var options = new DataParallelOptions
        {
            Workers = Workers,
            BatchSize = Batch,
            MaxSteps = total,
            Epochs = (total + stepsPerEpoch - 1) / stepsPerEpoch,
            Optimizer = OptimizerSettings.Sgd(0.01f),
            Seed = round,
            CheckpointEvery = int.MaxValue,   // only the epochs' ends, whose steps are left out (below)
            StepProgress = new Recorder(warmup, stepsPerEpoch, wire, samples),
        };
        await new DataParallelTrainer(grains).TrainAsync(Model.Create(), data, options).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the steps after the warm-up, except those that end an epoch: their StepTime includes the checkpoint
    /// (rank 0's parameters and optimizer state fetched), which is not the step's. Reports come synchronously on the
    /// coordinator, right after each step's last reply, so the wire bytes, allocations and collections between two
    /// reports are one step's (and whatever else the process did meanwhile: the idle cluster's timers).
    /// </summary>
    private sealed class Recorder(int warmup, int stepsPerEpoch, WireBytes wire, List<StepSample> samples) : IProgress<StepReport>
    {
        private long _wire = wire.Total, _allocated = GC.GetTotalAllocatedBytes();
        private int _gen2 = GC.CollectionCount(2);

        public void Report(StepReport value)
        {
            (long wired, long allocated, int gen2) = (wire.Total, GC.GetTotalAllocatedBytes(), GC.CollectionCount(2));
            var sample = new StepSample(value.StepTime, value.ComputeTime, value.ReduceTime, value.GradientBytes, wired - _wire, allocated - _allocated, gen2 - _gen2);
            (_wire, _allocated, _gen2) = (wired, allocated, gen2);
            if (value.Step > warmup && value.Step % stepsPerEpoch != 0)
            {
                samples.Add(sample);
            }
        }
    }
}

/// <summary>Trainer.Step in this process on the same global batch (SGD lr 0.01), at <paramref name="threads"/> threads.</summary>
internal sealed class LocalCase(Model model, int batch, int threads) : ScalingCase(model, batch)
{
    public int Threads { get; } = threads;

    public override string Setup => $"Trainer.Step, {Threads} thread{(Threads == 1 ? "" : "s")}";

    protected override Task RunAsync(Dataset data, int warmup, int steps, int round, List<StepSample> samples)
    {
        Network network = Model.Create();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), Batch, Threads);
        int nIn = data.FeatureCount, nOut = data.TargetCount, batches = data.Count / Batch;
        for (int s = 0; s < warmup + steps; s++)
        {
            int first = (s + round) % batches * Batch;
            long started = Stopwatch.GetTimestamp();
            trainer.Step(data.Features.Slice(first * nIn, Batch * nIn), data.Targets.Slice(first * nOut, Batch * nOut));
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            if (s >= warmup)
            {
                samples.Add(new StepSample(elapsed, elapsed, TimeSpan.Zero, 0, 0, 0, 0));
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The data-parallel algorithm without Orleans: <paramref name="replicas"/> Trainers in this process, each
/// ComputeGradients on its share of the global batch on its own thread (Parallel.For), the sample-weighted mean summed
/// on the caller, ApplyGradients on every replica. What data parallelism can give on these cores with no messaging:
/// compute is the parallel part, the all-reduce the sum.
/// </summary>
internal sealed class ThreadsCase(Model model, int batch, int replicas) : ScalingCase(model, batch)
{
    public override string Setup => $"{replicas} replicas on threads, no Orleans";

    protected override Task RunAsync(Dataset data, int warmup, int steps, int round, List<StepSample> samples)
    {
        int nIn = data.FeatureCount, nOut = data.TargetCount, batches = data.Count / Batch;
        var trainers = new Trainer[replicas];
        for (int r = 0; r < replicas; r++)
        {
            trainers[r] = new Trainer(Model.Create(), Loss.CrossEntropy, new Sgd(0.01f), (Batch + replicas - 1) / replicas, 1) { KeepsGradients = true };
        }

        var mean = new float[trainers[0].Network.Parameters.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = replicas };
        for (int s = 0; s < warmup + steps; s++)
        {
            int first = (s + round) % batches * Batch;
            long started = Stopwatch.GetTimestamp();
            Parallel.For(0, replicas, parallel, r =>
            {
                (int start, int end) = (first + (r * Batch / replicas), first + ((r + 1) * Batch / replicas));
                trainers[r].ComputeGradients(data.Features[(start * nIn)..(end * nIn)], data.Targets[(start * nOut)..(end * nOut)]);
            });
            long computed = Stopwatch.GetTimestamp();
            Array.Clear(mean);
            for (int r = 0; r < replicas; r++)
            {
                float share = (float)(((r + 1) * Batch / replicas) - (r * Batch / replicas)) / Batch;
                TensorPrimitives.MultiplyAdd(trainers[r].Gradients, share, mean, mean);
            }

            long reduced = Stopwatch.GetTimestamp();
            foreach (Trainer trainer in trainers)
            {
                trainer.ApplyGradients(mean);
            }

            if (s >= warmup)
            {
                samples.Add(new StepSample(Stopwatch.GetElapsedTime(started), Stopwatch.GetElapsedTime(started, computed), Stopwatch.GetElapsedTime(computed, reduced), 0, 0, 0, 0));
            }
        }

        foreach (Trainer trainer in trainers)
        {
            trainer.Dispose();
        }

        return Task.CompletedTask;
    }
}
