// The work a WorkerPool runs: one call per participating worker. A struct implementing this is
// copied once into a cached box, so dispatching it allocates nothing in steady state.
namespace FastMlp;

internal interface IParallelBody
{
    /// <summary>
    /// Called once per job on the dispatching thread, before any worker runs, with the number of
    /// workers the job really gets (1 when it runs inline). Whatever can fail (growing buffers: out of
    /// memory) belongs here, so it throws before a worker could wait on a barrier for the one that
    /// failed. A dispatched job holds the pool, so no other job is using the pool threads' buffers.
    /// </summary>
    void Prepare(int workerCount);

    /// <summary>
    /// Runs worker <paramref name="worker"/>'s share (0 is the calling thread) of a job split
    /// <paramref name="workerCount"/> ways. <paramref name="barrier"/> synchronizes all workers of the
    /// job; it is null when <paramref name="workerCount"/> is 1.
    /// </summary>
    void Invoke(int worker, int workerCount, SpinBarrier? barrier);
}
