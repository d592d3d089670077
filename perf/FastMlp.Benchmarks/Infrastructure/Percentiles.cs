using System.Diagnostics;

namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// Percentiles of individually timed calls (Stopwatch ticks), one definition for every latency harness
/// (LatencyHarness here, W3Latency in perf/FastMlp.Peers and perf/ClusterScaling, which link this file).
/// </summary>
internal static class Percentiles
{
    /// <summary>A sorted copy; the timings themselves stay in call order.</summary>
    public static long[] Sorted(long[] values)
    {
        long[] copy = (long[])values.Clone();
        Array.Sort(copy);
        return copy;
    }

    /// <summary>Nearest rank: the smallest value with at least a fraction <paramref name="p"/> of the values at or below it.</summary>
    public static T NearestRank<T>(T[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static double ToMicroseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
