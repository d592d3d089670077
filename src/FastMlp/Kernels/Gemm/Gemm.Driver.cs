// The tile path, for every product the m = 1 and tiny paths do not take (Gemm.cs): the BLIS loops
// around the micro-kernel (bls_gemm_bp_var1.c), re-planned around what measured fastest here (issue 11):
// - op(A) is never packed. The kernel broadcasts it from where it lies (stored or transposed, both
//   strides are the kernel's arguments), so no scalar scatter of A runs before the arithmetic.
// - A non-transposed B is read in place too (ReadsBInPlace), and a transposed one is packed per KC×NC
//   block into 64-byte-aligned NR-column panels. A ragged last panel is read in place by the
//   one-register kernel when it is that narrow (the N = 10 output layer is nothing else), which loads
//   whole registers of B wherever they lie inside B (WholeRegisterRows); a wider one is packed. The
//   panels of a GemmPackedB are read as they are, nothing packed.
// - Workers split the columns of C into whole NR panels (the rows of C when there are too few panels
//   to share evenly), and each packs the B panels it alone reads: no B block is shared, so there is no
//   barrier and the slower core never sets the other's pace.
//   jc  NC columns of the worker's share   B block packed per (jc, pc) into the worker's buffer
//   pc  KC of the depth                     carries the sum; beta applies on the first block only
//   ic  MC rows of C                        the MC×KC block of A stays in L2 across jr
//   jr  NR columns                          one kc×NR B panel stays in L1 across ir
//   ir  MR rows                             the micro-kernel; edge tiles write their corner, masked
// Every element's arithmetic is the kernel's, in KC blocks from p = 0 (IGemmKernel.cs), so the result
// depends neither on the split nor on the worker count.
using System.Runtime.CompilerServices;

namespace FastMlp;

public static partial class Gemm
{
    /// <summary>
    /// Whether the tile path reads a non-transposed B where it lies instead of packing it. Measured side by side on
    /// the Zen 4 of perf/results/amd-epyc-zen4-2c (perf/AbCompare, A read in place): in place was as fast or faster at
    /// every MLP and square shape (1.23× at 32×256×784, where packing B is a pass over 800 KB for 32 rows). A B whose
    /// rows are a multiple of 4 KiB apart puts every row of a panel in the same L1 sets; past one MC block of rows the
    /// packed panel is reused enough to pay for itself, so such a B is packed. At 1024³ the two measured within this
    /// machine's noise: that rule rests on the cache argument, not on a measured win.
    /// </summary>
    private static bool ReadsBInPlace(in GemmOperands x, int mcBlock) =>
        !x.TransposeB && (x.M <= mcBlock || x.Ldb * sizeof(float) % 4096 != 0);

    /// <summary>
    /// Whether the tile path needs a buffer: B is packed, or its ragged last panel is too wide for the one-register
    /// kernel to read in place.
    /// </summary>
    private static bool TilePathPacks<TKernel>(in GemmOperands x, bool bInPlace)
        where TKernel : struct, IGemmKernel =>
        !bInPlace || (x.N % TKernel.NR != 0 && x.N % TKernel.NR > TKernel.NarrowColumns);

    // context: the call's packing buffers, null when nothing is packed (TilePathPacks is false).
    private readonly unsafe struct TilePath<TKernel>(GemmOperands x, GemmBlocking blocking, bool bInPlace, GemmContext? context) : IParallelBody
        where TKernel : struct, IGemmKernel
    {
        /// <summary>Each worker's KC×NC block of B panels, no wider than its share of the columns (one panel when only a ragged edge is packed).</summary>
        public void Prepare(int workerCount)
        {
            if (context is null)
            {
                return;
            }

            int kc = Math.Min(blocking.DepthBlock, x.K);
            (int start, int end) = Share(0, workerCount).Columns;
            long columns = bInPlace ? TKernel.NR : Math.Min(blocking.ColumnBlock(TKernel.NR), GemmBlocking.RoundUp(end - start, TKernel.NR));
            GemmContext.Grow(context, workerCount, 0, (int)(kc * columns));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            int nrMax = TKernel.NR;
            int mcBlock = blocking.RowBlock(TKernel.MR), kcBlock = blocking.DepthBlock, ncBlock = blocking.ColumnBlock(nrMax);
            ((int rowStart, int rowEnd), (int columnStart, int columnEnd)) = Share(worker, workerCount);
            float* packedB = context is null ? null : GemmContext.OfWorker(worker, context).PackedB.Pointer;

            // op(A)[i, p] = A[i·aRow + p·aDepth].
            nint aRow = x.TransposeA ? 1 : x.Lda, aDepth = x.TransposeA ? x.Lda : 1;

            // Each loop advances by the block it just did, so no index ever passes its bound (no overflow near int.MaxValue).
            for (int jc = columnStart, nc; jc < columnEnd; jc += nc)
            {
                nc = Math.Min(ncBlock, columnEnd - jc);
                for (int pc = 0, kc; pc < x.K; pc += kc)
                {
                    kc = Math.Min(kcBlock, x.K - pc);
                    float beta = pc == 0 ? x.Beta : 1f;
                    for (int jr = 0; jr < nc && !x.BPacked; jr += nrMax)
                    {
                        int nr = Math.Min(nrMax, nc - jr);
                        if (!ReadInPlace(nr))
                        {
                            PackBPanel<TKernel>(x, pc, kc, jc + jr, nr, Panel(packedB, jr, kc));
                        }
                    }

                    for (int ic = rowStart, mc; ic < rowEnd; ic += mc)
                    {
                        mc = Math.Min(mcBlock, rowEnd - ic);
                        float* aBlock = x.A + (ic * aRow) + (pc * aDepth);
                        float* cBlock = x.C + (ic * x.Ldc) + jc;
                        for (int jr = 0; jr < nc; jr += nrMax)
                        {
                            int nr = Math.Min(nrMax, nc - jr);
                            bool inPlace = ReadInPlace(nr);
                            float* b = x.BPacked ? x.B + (pc * GemmBlocking.RoundUp(x.N, nrMax)) + ((jc + jr) * (nint)kc)
                                : inPlace ? x.B + (pc * x.Ldb) + jc + jr : Panel(packedB, jr, kc);
                            int fullRows = inPlace ? WholeRegisterRows(pc, kc, jc + jr) : kc;
                            TileColumn<TKernel>(kc, aBlock, aRow, aDepth, mc, b, inPlace ? x.Ldb : nrMax, fullRows, nr, cBlock + jr, x.Ldc, x.Alpha, beta);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// How many of rows [pc, pc + kc) of B, read in place from column j0, the narrow kernel may load a whole register
        /// wide (NarrowColumns floats): those whose load ends inside B's (K − 1)·ldb + N elements. All but the last row or
        /// so of B; none of a B that is smaller than one register.
        /// </summary>
        private int WholeRegisterRows(int pc, int kc, int j0)
        {
            long lastStart = ((x.K - 1) * (long)x.Ldb) + x.N - TKernel.NarrowColumns - j0;
            long lastRow = lastStart < 0 ? -1 : lastStart / x.Ldb;
            return (int)Math.Clamp(lastRow - pc + 1, 0, kc);
        }

        /// <summary>Whether the panel of nr columns is read from B itself: B is read in place and the kernel reads only nr of its columns.</summary>
        private bool ReadInPlace(int nr) => bInPlace && (nr == TKernel.NR || nr <= TKernel.NarrowColumns);

        /// <summary>Where the panel at column jr of the block is packed: its place in the block, or the one panel slot when only a ragged edge is packed.</summary>
        private float* Panel(float* packedB, int jr, int kc) => bInPlace ? packedB : packedB + (jr * (nint)kc);

        /// <summary>
        /// Worker <paramref name="worker"/>'s rows and columns of C: whole NR panels of every row when the panels
        /// share evenly (or are many), otherwise whole MR panels of rows across every column.
        /// </summary>
        private ((int Start, int End) Rows, (int Start, int End) Columns) Share(int worker, int workerCount)
        {
            int panels = GemmBlocking.CeilDiv(x.N, TKernel.NR);
            return panels % workerCount == 0 || panels >= 4 * workerCount
                ? ((0, x.M), GemmBlocking.Share(x.N, TKernel.NR, worker, workerCount))
                : (GemmBlocking.Share(x.M, TKernel.MR, worker, workerCount), (0, x.N));
        }
    }

    /// <summary>
    /// The ir loop: C[0..mc, 0..nr] (+)= op(A)'s mc rows (from <paramref name="a"/>, strides aRow and aDepth) times one
    /// kc×nr sliver of B with row stride ldb. Slivers at most NarrowColumns wide run the one-register kernel, which may
    /// read the first fullRows rows a whole register wide.
    /// </summary>
    private static unsafe void TileColumn<TKernel>(
        int kc, float* a, nint aRow, nint aDepth, int mc, float* b, nint ldb, int fullRows, int nr, float* c, nint ldc, float alpha, float beta)
        where TKernel : struct, IGemmKernel
    {
        int mrMax = TKernel.MR;
        bool narrow = nr <= TKernel.NarrowColumns;
        for (int ir = 0; ir < mc; ir += mrMax, a += mrMax * aRow, c += mrMax * ldc)
        {
            int mr = Math.Min(mrMax, mc - ir);
            if (narrow)
            {
                TKernel.RunNarrow(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, mr, nr, alpha, beta);
            }
            else
            {
                TKernel.Run(kc, a, aRow, aDepth, b, ldb, c, ldc, mr, nr, alpha, beta);
            }
        }
    }
}
