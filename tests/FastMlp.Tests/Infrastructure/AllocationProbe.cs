// AllocationProbe: the bytes code under test allocates, every call of many counted (issue 9: taking the
// least of a few attempts, or one clean window of fifty, hid an allocation made on some calls only).
//   OnThisThread: GC.GetAllocatedBytesForCurrentThread around each call: exact for the calling thread
//     and blind to every other, so tests running in parallel cannot add to it.
//   OnThisThreadAndWorkers: the same plus WorkerPool.WorkerAllocatedBytes, which each pool thread
//     brings up to date at the end of every share it runs, before the job counts as done: every thread
//     the library computes on, and none of the test host's own. Tests that need the split to happen
//     run in SerialTestGroup, since a busy pool runs a caller's job alone.
// Exact only without background GC: while one runs (started by any thread), a thread that allocates
// nothing can see its count jump by up to one allocation quantum (< 8 KB; measured in a bare program:
// a thread computing square roots between two reads, another thread keeping a heap busy, 25-50 such
// jumps in 15 s, and none with DOTNET_gcConcurrent=0). That is what "least of N" used to absorb; the
// test project turns concurrent GC off instead (FastMlp.Tests.csproj), and the probe refuses to run
// if it is on.
using System.Runtime;

namespace FastMlp.Tests.Infrastructure;

/// <summary>What <see cref="Calls"/> calls allocated: in all, the most in one call, and how many calls allocated at all.</summary>
internal readonly record struct Allocations(long Bytes, long MostInOneCall, int CallsThatAllocated, int Calls)
{
    public override string ToString() =>
        $"{Bytes} bytes over {Calls} calls ({CallsThatAllocated} of them allocated, at most {MostInOneCall} bytes in one)";
}

internal static class AllocationProbe
{
    public static Allocations OnThisThread(Action action, int calls) => Measure(action, calls, includeWorkers: false);

    public static Allocations OnThisThreadAndWorkers(Action action, int calls) => Measure(action, calls, includeWorkers: true);

    private static Allocations Measure(Action action, int calls, bool includeWorkers)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        if (GCSettings.LatencyMode is GCLatencyMode.Interactive or GCLatencyMode.SustainedLowLatency)
        {
            throw new InvalidOperationException($"Background GC is on (latency mode {GCSettings.LatencyMode}): per-thread allocation counts are not exact. Run with System.GC.Concurrent false.");
        }

        long total = 0, most = 0;
        int allocating = 0;
        for (int call = 0; call < calls; call++)
        {
            long before = Count(includeWorkers);
            action();
            long bytes = Count(includeWorkers) - before;
            total += bytes;
            most = Math.Max(most, bytes);
            allocating += bytes == 0 ? 0 : 1;
        }

        return new Allocations(total, most, allocating, calls);
    }

    private static long Count(bool includeWorkers) =>
        GC.GetAllocatedBytesForCurrentThread() + (includeWorkers ? WorkerPool.WorkerAllocatedBytes : 0);
}
