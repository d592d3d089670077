// What the coordinator, the workers and the all-reduce send each other. Float buffers travel as byte[]
// (FloatBytes.cs); the large ones go as Immutable<byte[]>, so a call inside one silo passes the reference
// instead of copying it (the sender does not touch the buffer until the call returns).
using Orleans;
using Orleans.Concurrency;

namespace FastMlp.Orleans;

/// <summary>Everything a worker needs to become rank <see cref="Rank"/> of a generation of a job.</summary>
[GenerateSerializer]
internal sealed class WorkerSetup
{
    [Id(0)] public required string Job { get; init; }
    [Id(1)] public required int Generation { get; init; }
    [Id(2)] public required int Rank { get; init; }
    [Id(3)] public required int Workers { get; init; }

    /// <summary>The replica's network (architecture and the parameters to start from), as Network.Save writes it.</summary>
    [Id(4)] public required Immutable<byte[]> Model { get; init; }
    [Id(5)] public required OptimizerSettings Optimizer { get; init; }

    /// <summary>The optimizer state to start from (a checkpoint's); null for fresh state.</summary>
    [Id(6)] public required OptimizerStateData? OptimizerState { get; init; }
    [Id(7)] public required Loss Loss { get; init; }

    /// <summary>Samples in the shard; they follow in AddSamples calls.</summary>
    [Id(10)] public required int Count { get; init; }
    [Id(11)] public required int GlobalBatch { get; init; }
    [Id(12)] public required int Seed { get; init; }
    [Id(13)] public required int Threads { get; init; }
    [Id(14)] public required TimeSpan StepTimeout { get; init; }

    /// <summary>The size of the whole training set, from which the schedule follows (ShardSchedule).</summary>
    [Id(15)] public required int TotalCount { get; init; }

    /// <summary>The global step the parameters and optimizer state are at (the checkpoint's).</summary>
    [Id(16)] public required long Step { get; init; }

    /// <summary>Gradient floats per all-reduce bucket.</summary>
    [Id(17)] public required int BucketSize { get; init; }
}

/// <summary>An OptimizerSnapshot on the wire.</summary>
[GenerateSerializer]
internal sealed class OptimizerStateData
{
    [Id(0)] public required string Optimizer { get; init; }
    [Id(1)] public required long Steps { get; init; }
    [Id(2)] public required byte[][] Buffers { get; init; }

    public static OptimizerStateData From(OptimizerSnapshot snapshot) => new()
    {
        Optimizer = snapshot.Optimizer,
        Steps = snapshot.Steps,
        Buffers = [.. snapshot.Buffers.Select(b => FloatBytes.From(b))],
    };

    public OptimizerSnapshot ToSnapshot() =>
        new(Optimizer, Steps, [.. Buffers.Select(b => FloatBytes.View(b, nameof(Buffers)).ToArray())]);
}

/// <summary>What a worker did in one step.</summary>
[GenerateSerializer]
internal readonly record struct StepOutcome
{
    /// <summary>The step's global loss (Σ n_r·ℓ_r / Σ n_r), as the all-reduce returned it.</summary>
    [Id(0)] public float Loss { get; init; }

    /// <summary>Samples in the step over every worker.</summary>
    [Id(1)] public int Samples { get; init; }

    /// <summary>Seconds in the forward and backward pass, and in the all-reduce call (including the wait for the others).</summary>
    [Id(2)] public double ComputeSeconds { get; init; }
    [Id(3)] public double ReduceSeconds { get; init; }

    /// <summary>Null, or why the job must stop (this worker's own exception: its type name and message).</summary>
    [Id(4)] public string? FailureType { get; init; }
    [Id(5)] public string? Failure { get; init; }

    /// <summary>Another rank failed the step; nothing was applied.</summary>
    [Id(6)] public bool Aborted { get; init; }

    /// <summary>This activation holds no replica of the generation asked for: its silo's state was lost.</summary>
    [Id(7)] public bool Lost { get; init; }
}

/// <summary>A replica's parameters and optimizer state.</summary>
[GenerateSerializer]
internal sealed class ReplicaState
{
    [Id(0)] public required long Step { get; init; }
    [Id(1)] public required Immutable<byte[]> Parameters { get; init; }
    [Id(2)] public required OptimizerStateData OptimizerState { get; init; }
}

/// <summary>The sum the all-reduce returns to every rank: the sample-weighted mean gradient and loss.</summary>
[GenerateSerializer]
internal readonly record struct ReduceResult
{
    [Id(0)] public Immutable<byte[]> Mean { get; init; }
    [Id(1)] public float Loss { get; init; }
    [Id(2)] public int Samples { get; init; }

    /// <summary>Null, or why a rank aborted the step (then nothing else is set and nobody applies anything).</summary>
    [Id(3)] public string? Aborted { get; init; }

    public static ReduceResult AbortedBy(int rank, string reason) => new() { Aborted = $"rank {rank}: {reason}" };
}
