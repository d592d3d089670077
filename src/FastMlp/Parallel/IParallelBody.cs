// The work a WorkerPool runs: one call per participating worker. A struct implementing this is
// copied once into a cached box, so dispatching it allocates nothing in steady state.
namespace FastMlp;

internal interface IParallelBody
{
    /// <summary>
    /// Runs worker <paramref name="worker"/>'s share (0 is the calling thread) of a job split
    /// <paramref name="workerCount"/> ways. <paramref name="barrier"/> synchronizes all workers of the
    /// job; it is null when <paramref name="workerCount"/> is 1.
    /// </summary>
    void Invoke(int worker, int workerCount, SpinBarrier? barrier);
}
