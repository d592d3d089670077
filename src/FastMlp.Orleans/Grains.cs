// The grain interfaces: the protocol between the coordinator (DataParallelTrainer, a client), the worker
// grains (one replica each) and the all-reduce grain of each generation. Keys are strings,
// "{job}/{generation}/{rank}" for a worker and "{job}/{generation}" for the all-reduce (GrainKeys.cs).
using Orleans;
using Orleans.Concurrency;

namespace FastMlp.Orleans;

/// <summary>A worker: one replica (Network, Trainer, optimizer) and one shard of the data.</summary>
internal interface IDataParallelWorker : IGrainWithStringKey
{
    /// <summary>Builds the replica; the shard's samples follow in <see cref="AddSamples"/>.</summary>
    Task Initialize(WorkerSetup setup);

    /// <summary>
    /// The next samples of the shard, [n, features] and [n, targets] floats, in order: the shard travels in chunks, so
    /// no message approaches Orleans' size limit however large the data.
    /// </summary>
    Task AddSamples(int generation, Immutable<byte[]> features, Immutable<byte[]> targets);

    /// <summary>
    /// Global step <paramref name="step"/>: the shard's batch for it, its gradients, the all-reduce, and the update
    /// with the mean. Failures of its own come back in the outcome; failures of the cluster as exceptions.
    /// </summary>
    Task<StepOutcome> Step(int generation, long step);

    /// <summary>The replica's parameters and optimizer state.</summary>
    Task<ReplicaState> Replica(int generation);

    /// <summary>Whether this activation holds the replica of <paramref name="generation"/> (false: it was lost with its silo).</summary>
    [AlwaysInterleave]
    Task<bool> Holds(int generation);

    /// <summary>Drops the replica and deactivates (after a step in progress, which it queues behind).</summary>
    Task Release();
}

/// <summary>The all-reduce of one generation: sums every rank's contribution in rank order and returns the mean to each.</summary>
internal interface IGradientReducer : IGrainWithStringKey
{
    /// <summary>
    /// Rank <paramref name="rank"/>'s contribution to step <paramref name="step"/>: its batch-mean gradients over
    /// <paramref name="samples"/> samples (null when it has none this step) and its batch loss. Returns when every rank of
    /// the <paramref name="workers"/> has contributed, or a rank aborted the step (a result marked so); throws
    /// TimeoutException after <paramref name="timeout"/>.
    /// </summary>
    Task<ReduceResult> Reduce(long step, int rank, int workers, int samples, float loss, Immutable<byte[]>? gradients, TimeSpan timeout);

    /// <summary>Rank <paramref name="rank"/> cannot contribute to step <paramref name="step"/>: every rank's Reduce returns the step aborted.</summary>
    Task Abort(long step, int rank, string reason);

    /// <summary>Drops the last round and deactivates.</summary>
    Task Release();
}
