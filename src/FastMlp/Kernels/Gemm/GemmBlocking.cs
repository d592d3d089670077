// Cache blocking of the BLIS loops: a run-time value, so tests can shrink it until a 13×17×7 product
// drives every loop and edge. Register blocking (MR, NR) is a compile-time fact of the kernel instead.
// Also the size arithmetic every path shares (CeilDiv, RoundUp, Share): any m, n, k a span can hold
// reaches int.MaxValue, so none of it may overflow on the way (issue 9: rounding n = int.MaxValue up
// to a panel wrapped negative, and the product silently wrote nothing).
namespace FastMlp;

/// <param name="MC">Rows of A per packed block (ic loop); the MC×KC block of A stays in L2.</param>
/// <param name="KC">Depth per block (pc loop); one KC×NR sliver of B stays in L1 across the ir loop.</param>
/// <param name="NC">Columns of B per packed block (jc loop); the KC×NC block of B stays in L3.</param>
internal readonly record struct GemmBlocking(int MC, int KC, int NC)
{
    /// <summary>
    /// Sized for this machine (Zen 5: 48 KiB L1d and 1 MiB L2 per core, 32 MiB shared L3). A 6×256 A panel
    /// is 6 KiB and a 256×32 B sliver (the 512-bit kernel's NR) 32 KiB, together in L1; the 144×256 A block
    /// is 144 KiB (L2); the 256×4080 B block is 4 MiB (L3).
    /// </summary>
    public static GemmBlocking Default { get; } = new(MC: 144, KC: 256, NC: 4080);

    /// <summary>
    /// Below this many multiply-adds (m·n·k) a product stays on the calling thread: waking a worker
    /// and splitting the work costs more than the second core gains. Measured on the Zen 4 of
    /// perf/results/amd-epyc-zen4-2c, 2 threads, side by side with the previous 2^19 (perf/AbCompare), once the
    /// caller spun for its workers (WorkerPool.WaitForWorkers): at 2^16, 64³ ran 1.45× faster split, 8×128×256
    /// (the W3 second layer at batch 8) 1.43×, 32×64×64 1.21×, 784×256×1 TN 1.20×; at 2^15, 8×64×128 (65,536,
    /// split in two) lost 18%. A GEMV (m = 1) is bound by reading B, of m·n·k elements, and splits by the same
    /// count: 1×256×784 (the W3 first layer at batch 1) ran 1.82× faster split, 1×256×512 1.46×, 1×128×256 0.69×.
    /// </summary>
    public const long MinMultiplyAddsPerWorker = 1L << 16;

    /// <summary>
    /// The largest block any loop takes (8× the default NC): a block is sized for a cache, and with each
    /// of MC, KC and NC at most this, a packing buffer of two blocks (2^30 floats) still fits an int.
    /// </summary>
    private const int MaxBlock = 1 << 15;

    /// <summary>MC rounded up to a whole number of MR-row panels.</summary>
    public int RowBlock(int mr) => (int)RoundUp(Math.Clamp(MC, 1, MaxBlock), mr);

    /// <summary>KC, at least 1.</summary>
    public int DepthBlock => Math.Clamp(KC, 1, MaxBlock);

    /// <summary>NC rounded up to a whole number of NR-column panels.</summary>
    public int ColumnBlock(int nr) => (int)RoundUp(Math.Clamp(NC, 1, MaxBlock), nr);

    /// <summary>⌈value / divisor⌉ for value ≥ 0 and divisor ≥ 1; never more than value, so it cannot overflow.</summary>
    internal static int CeilDiv(int value, int divisor) => (int)(((long)value + divisor - 1) / divisor);

    /// <summary>The least multiple of <paramref name="multiple"/> (≥ 1) at or above <paramref name="value"/> (≥ 0), which may pass int.MaxValue.</summary>
    internal static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Worker <paramref name="worker"/>'s part of [0, <paramref name="count"/>) when <paramref name="workers"/>
    /// share it in order, each a whole number of <paramref name="unit"/>s (⌈count / workers⌉ rounded up)
    /// but the last, which gets what is left: possibly fewer, possibly none.
    /// </summary>
    internal static (int Start, int End) Share(int count, int unit, int worker, int workers)
    {
        long perWorker = RoundUp(CeilDiv(count, workers), unit);
        long start = Math.Min(count, worker * perWorker);
        return ((int)start, (int)Math.Min(count, start + perWorker));
    }
}
