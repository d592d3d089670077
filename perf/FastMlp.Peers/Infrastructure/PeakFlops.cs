using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// This core's fp32 FMA peak, measured: 12 independent chains of 512-bit fused multiply-adds (enough to hide the FMA
/// latency on every AVX-512 core), best of 8 rounds of about 3 ms. W1's chart draws it as the ceiling, so a reader
/// sees how close each GEMM gets on this machine. Without hardware Vector512 the figure would measure the runtime's
/// software fallback, not the core, so it is reported as 0 (not measured) and the chart leaves the line out.
/// </summary>
internal static class PeakFlops
{
    private const int Chains = 12;

    /// <summary>GFLOP/s of one thread (2 FLOPs per lane per FMA); 0 without AVX-512.</summary>
    public static double MeasurePerCore()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }

        const int iterations = 2_000_000;
        double best = 0;
        for (int round = 0; round < 8; round++)
        {
            long start = Stopwatch.GetTimestamp();
            float sink = FmaChains(iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, 2.0 * Chains * Vector512<float>.Count * iterations / seconds / 1e9);
            GC.KeepAlive(sink);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaChains(int iterations)
    {
        Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y);
            a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y);
            a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y);
            a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y);
            a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
