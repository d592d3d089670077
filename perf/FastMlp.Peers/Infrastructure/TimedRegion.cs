using System.Diagnostics;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The wall time and this thread's managed allocation of the code between <see cref="Start"/> and
/// <see cref="Stop"/>, after a full collection. The timed code is called directly between the two, not through a
/// delegate, so the region holds nothing of the harness but these two calls' ends: a cold process that has called
/// the pair once (<c>Start().Stop()</c>, untimed) pays no JIT for the harness inside the region, as a warm one does not.
/// </summary>
internal readonly struct TimedRegion
{
    private readonly long _start;
    private readonly long _allocatedBefore;

    private TimedRegion(long start, long allocatedBefore)
    {
        _start = start;
        _allocatedBefore = allocatedBefore;
    }

    public static TimedRegion Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        return new TimedRegion(Stopwatch.GetTimestamp(), allocatedBefore);
    }

    public (double Seconds, long AllocatedBytes) Stop()
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        return (seconds, GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore);
    }
}
