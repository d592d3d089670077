using System.Collections.Concurrent;
using System.Diagnostics;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The managed bytes one operation allocates, measured exactly in each case's setup, after its agreement check:
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise, every thread of the process, so a managed peer's
/// Parallel.For workers count as FastMlp's own workers would) around up to <see cref="MaxCalls"/> calls (fewer for a
/// slow call: about 50 ms in all, at least one), divided by the calls. The report prints this figure; BenchmarkDotNet's
/// MemoryDiagnoser figure is kept in run.json beside it, but it spreads the in-process engine's own few KiB per
/// iteration over the operations (tens of bytes per op for a case of a millisecond, the same for every system).
/// </summary>
internal static class Allocations
{
    public const int MaxCalls = 16;

    private static readonly ConcurrentDictionary<string, double> s_perCall = new(StringComparer.Ordinal);

    /// <summary>Case key (<see cref="Agreement.Key(BenchmarkDotNet.Running.BenchmarkCase)"/>) → bytes per operation.</summary>
    public static IReadOnlyDictionary<string, double> PerCall => s_perCall;

    /// <summary>Runs <paramref name="call"/> once unmeasured (first-call work), then measures it; keeps the figure for the report.</summary>
    /// <param name="operationsPerCall">The benchmark's OperationsPerInvoke when one call runs several operations (W4's steps).</param>
    public static void Measure(object benchmark, string system, Action call, int operationsPerCall = 1)
    {
        long start = Stopwatch.GetTimestamp();
        call();
        int calls = (int)Math.Clamp(0.05 / Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-9), 1, MaxCalls);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        // Read the counter before building the key: an indexer assignment evaluates its key first, and the key's
        // reflection and strings would be counted as the call's.
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        s_perCall[Agreement.Key(benchmark, system)] = allocated / ((double)calls * operationsPerCall);
    }
}
