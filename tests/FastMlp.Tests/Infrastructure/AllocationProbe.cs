// AllocationProbe: bytes allocated by a piece of code, two ways.
//   OnThisThread: GC.GetAllocatedBytesForCurrentThread around the call: blind to other threads, so
//     parallel tests cannot add to it (nor can it see worker threads). The runtime itself can still
//     allocate on this thread now and then (observed: 3.7-7.7 KB once in a run of 64 warm calls, only
//     while many other tests were throwing, i.e. late tier-up work); LeastOnThisThread therefore takes
//     the least of a few attempts: a call that allocates shows in every attempt.
//   InProcess: GC.GetTotalAllocatedBytes(precise: true) around the call: sees the worker threads too,
//     but also whatever the test host allocates meanwhile (measured: bursts of 168 and ~6 KB every few
//     hundred milliseconds, on single-threaded calls as well). So the call runs in up to `windows`
//     short windows and the least count is returned: code that allocates on every call shows in every
//     window, while the host's bursts leave some windows clean. Run it in SerialTestGroup.
namespace FastMlp.Tests.Infrastructure;

internal static class AllocationProbe
{
    public static long OnThisThread(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>The least allocation on this thread over up to <paramref name="attempts"/> runs of <paramref name="action"/>.</summary>
    public static long LeastOnThisThread(Action action, int attempts)
    {
        long least = long.MaxValue;
        for (int a = 0; a < attempts && least > 0; a++)
        {
            least = Math.Min(least, OnThisThread(action));
        }

        return least;
    }

    /// <summary>The least process-wide allocation over up to <paramref name="windows"/> runs of <paramref name="action"/>.</summary>
    public static long InProcess(Action action, int windows)
    {
        ArgumentNullException.ThrowIfNull(action);
        long least = long.MaxValue;
        for (int w = 0; w < windows && least > 0; w++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            action();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return least;
    }
}
