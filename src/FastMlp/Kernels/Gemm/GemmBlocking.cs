// Cache blocking of the BLIS loops: a run-time value, so tests can shrink it until a 13×17×7 product
// drives every loop and edge. Register blocking (MR, NR) is a compile-time fact of the kernel instead.
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
    /// and splitting the work costs more than the second core gains.
    /// </summary>
    public const long MinMultiplyAddsPerWorker = 1L << 22;

    /// <summary>MC rounded up to a whole number of MR-row panels.</summary>
    public int RowBlock(int mr) => RoundUp(Math.Max(MC, 1), mr);

    /// <summary>KC, at least 1.</summary>
    public int DepthBlock => Math.Max(KC, 1);

    /// <summary>NC rounded up to a whole number of NR-column panels.</summary>
    public int ColumnBlock(int nr) => RoundUp(Math.Max(NC, 1), nr);

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
