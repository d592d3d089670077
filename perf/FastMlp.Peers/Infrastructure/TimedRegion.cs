using System.Diagnostics;
using System.Runtime;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The wall time, this thread's managed allocation and this thread's JIT activity (methods compiled, time spent
/// compiling: <see cref="JitInfo"/>) of the code between <see cref="Start"/> and <see cref="Stop"/>, after a full
/// collection. The counters are read outside the clock's two readings. The timed code is called directly between the
/// two, not through a delegate, so the region holds nothing of the harness but these two calls' ends: a cold process
/// that has called the pair once (<c>Start().Stop()</c>, untimed) pays no JIT for the harness inside the region, as a
/// warm one does not. A warm region compiles nothing (the suite runs with tiered compilation off); a cold one shows
/// the JIT its first calls wait for.
/// </summary>
internal readonly struct TimedRegion
{
    private readonly long _start;
    private readonly long _allocatedBefore;
    private readonly long _methodsBefore;
    private readonly TimeSpan _jitBefore;

    private TimedRegion(long start, long allocatedBefore, long methodsBefore, TimeSpan jitBefore)
    {
        _start = start;
        _allocatedBefore = allocatedBefore;
        _methodsBefore = methodsBefore;
        _jitBefore = jitBefore;
    }

    public static TimedRegion Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long methodsBefore = JitInfo.GetCompiledMethodCount(currentThread: true);
        TimeSpan jitBefore = JitInfo.GetCompilationTime(currentThread: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        return new TimedRegion(Stopwatch.GetTimestamp(), allocatedBefore, methodsBefore, jitBefore);
    }

    public RegionCost Stop()
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
        return new RegionCost(seconds, allocated, JitInfo.GetCompiledMethodCount(currentThread: true) - _methodsBefore,
            (JitInfo.GetCompilationTime(currentThread: true) - _jitBefore).TotalMilliseconds);
    }
}

/// <summary>What a <see cref="TimedRegion"/> measured: wall seconds, and this thread's allocation, methods JIT-compiled and JIT milliseconds.</summary>
internal readonly record struct RegionCost(double Seconds, long AllocatedBytes, long JitMethods, double JitMilliseconds);
