// Z = X · W for weights held as bfloat16: x [batch, k] float, z [batch, n] float, W [k, n] in the packed layout
// below, every product and sum in float (the weights widen exactly).
//
// Layout (Pack, once per Predictor): W is cut into blocks of 2·C columns, C the float lanes of the kernel this
// process runs (Lanes: 16, 8 or 1); block b is k rows of C 32-bit words, row after row, one block after another.
// Word t of row i holds column 2·C·b + t in its low 16 bits and column 2·C·b + C + t in its high 16 bits, so one
// load gives two float registers with one ALU operation each, (w << 16) and (w & 0xFFFF0000), and no shuffle: the
// streaming kernel it replaced widened 16 values per register with a zero-extending move plus a shift. Columns
// past n are zero, so a block is read whole, never past the layer's end, and every block stream is sequential.
//
// Batch 1 is bound by the weights' bytes and the FMA port: Row runs down two blocks at once with the depth unrolled
// twice (8 independent FMA chains hide the FMA latency; one x broadcast per four FMAs). More rows run as tiles of up
// to 6 rows × two blocks on AVX-512 (24 accumulators, 2 loads, 4 widening operations and 6 broadcasts per 24 FMAs;
// 1.11× the one-block tile at W3 batch 64) or one block elsewhere (12 accumulators fit AVX2's 16 registers): each
// widened register feeds every row of the tile, so W is read once per 6 rows. A block gets the same arithmetic in
// every kernel that takes its row, so the bits do not depend on how blocks were shared. Work splits over whole
// blocks between WorkerPool workers, like the float GEMM's split over columns, from the same
// GemmBlocking.MinMultiplyAddsPerWorker; a worker's blocks stay in its own core's cache between calls.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static unsafe class BFloat16Gemm
{
    /// <summary>The most rows one tile takes.</summary>
    private const int MaxRows = 6;

    /// <summary>The float lanes of the kernel this process runs (16 with AVX-512F, 8 with AVX2 + FMA3, else 1): the lanes <see cref="Pack"/> must be given.</summary>
    public static int Lanes => GemmLanes512.IsSupported ? GemmLanes512.Count : GemmLanes256.IsSupported ? GemmLanes256.Count : GemmLanesScalar.Count;

    /// <summary>The 32-bit words W [k, n] takes packed for <paramref name="lanes"/> lanes: ⌈n / 2·lanes⌉ blocks of k·lanes.</summary>
    public static long PackedLength(int k, int n, int lanes) => (long)GemmBlocking.CeilDiv(n, 2 * lanes) * k * lanes;

    /// <summary>
    /// <paramref name="packed"/> (<see cref="PackedLength"/> words) = W [k, n] row-major, each weight rounded to bfloat16 (BFloat16.Round),
    /// in the layout of the file header for <paramref name="lanes"/> lanes; the halves past column n are zero.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> w, int k, int n, int lanes, Span<uint> packed)
    {
        Debug.Assert(w.Length >= (long)k * n && packed.Length >= PackedLength(k, n, lanes));
        int blocks = GemmBlocking.CeilDiv(n, 2 * lanes), word = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < k; i++)
            {
                ReadOnlySpan<float> row = w.Slice(i * n, n);
                for (int t = 0; t < lanes; t++, word++)
                {
                    int low = (2 * lanes * b) + t, high = low + lanes;
                    packed[word] = Rounded(row, low) | ((uint)Rounded(row, high) << 16);
                }
            }
        }
    }

    /// <summary>
    /// z [batch, n] = x [batch, k] · W [k, n], W packed for <see cref="Lanes"/> lanes (<see cref="Pack"/>); z written, never read.
    /// Up to <paramref name="maxDegreeOfParallelism"/> threads (−1: all cores), one per <see cref="GemmBlocking.MinMultiplyAddsPerWorker"/>.
    /// </summary>
    public static void Multiply(float* x, int batch, uint* w, int k, int n, float* z, int maxDegreeOfParallelism)
    {
        if (GemmLanes512.IsSupported)
        {
            Multiply<GemmLanes512, Vector512<float>>(x, batch, w, k, n, z, maxDegreeOfParallelism);
        }
        else if (GemmLanes256.IsSupported)
        {
            Multiply<GemmLanes256, Vector256<float>>(x, batch, w, k, n, z, maxDegreeOfParallelism);
        }
        else
        {
            Multiply<GemmLanesScalar, float>(x, batch, w, k, n, z, maxDegreeOfParallelism);
        }
    }

    /// <summary>The product on the lanes forced (tests run every instantiation the machine supports); W packed for TLanes.Count lanes.</summary>
    internal static void Multiply<TLanes, TVector>(float* x, int batch, uint* w, int k, int n, float* z, int maxDegreeOfParallelism)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        if (batch == 0 || n == 0)
        {
            return;
        }

        int blocks = GemmBlocking.CeilDiv(n, 2 * TLanes.Count);
        long byWork = Math.Max(1, (long)batch * n * k / GemmBlocking.MinMultiplyAddsPerWorker);
        int workers = (int)Math.Min(Math.Min(WorkerPool.Cap(maxDegreeOfParallelism), byWork), blocks);
        WorkerPool.Run(new Product<TLanes, TVector>(x, batch, w, k, n, z), workers);
    }

    /// <summary>The bfloat16 bits of W's column <paramref name="column"/> in <paramref name="row"/>, 0 past its end.</summary>
    private static ushort Rounded(ReadOnlySpan<float> row, int column) => column < row.Length ? BFloat16.Round(row[column]) : (ushort)0;

    /// <summary>
    /// TRows.Value ≤ 6 rows × TBlocks.Value (1 or 2) blocks: each widened register feeds every row, each broadcast of x
    /// every block. Rows and blocks are constants per instantiation, as in GemmKernelSimd, so a short tile carries no
    /// code for what it lacks. Two blocks (24 accumulators) only where 32 registers hold them (AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TLanes, TVector, TRows, TBlocks>(float* x, uint* w, int k, int n, float* z, int left)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
        where TRows : struct, IGemmRows
        where TBlocks : struct, IGemmRows
    {
        int rows = TRows.Value, lanes = TLanes.Count;
        bool pair = TBlocks.Value > 1;
        float* x0 = x, x1 = x + k, x2 = x + (2 * k), x3 = x + (3 * k), x4 = x + (4 * k), x5 = x + (5 * k);
        TVector l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default;
        TVector l3 = default, h3 = default, l4 = default, h4 = default, l5 = default, h5 = default;
        TVector m0 = default, g0 = default, m1 = default, g1 = default, m2 = default, g2 = default;
        TVector m3 = default, g3 = default, m4 = default, g4 = default, m5 = default, g5 = default;
        float* wa = (float*)w, wb = wa + ((long)k * lanes);
        for (int i = 0; i < k; i++, wa += lanes, wb += lanes)
        {
            TVector pa = TLanes.Load(wa);
            TVector la = TLanes.WidenLowHalves(pa), ha = TLanes.WidenHighHalves(pa), lb = default, hb = default;
            if (pair)
            {
                TVector pb = TLanes.Load(wb);
                lb = TLanes.WidenLowHalves(pb);
                hb = TLanes.WidenHighHalves(pb);
            }

            TVector x0i = TLanes.Broadcast(x0[i]);
            MultiplyAdd<TLanes, TVector>(x0i, la, ha, ref l0, ref h0);
            if (pair)
            {
                MultiplyAdd<TLanes, TVector>(x0i, lb, hb, ref m0, ref g0);
            }

            if (rows > 1)
            {
                TVector x1i = TLanes.Broadcast(x1[i]);
                MultiplyAdd<TLanes, TVector>(x1i, la, ha, ref l1, ref h1);
                if (pair)
                {
                    MultiplyAdd<TLanes, TVector>(x1i, lb, hb, ref m1, ref g1);
                }
            }

            if (rows > 2)
            {
                TVector x2i = TLanes.Broadcast(x2[i]);
                MultiplyAdd<TLanes, TVector>(x2i, la, ha, ref l2, ref h2);
                if (pair)
                {
                    MultiplyAdd<TLanes, TVector>(x2i, lb, hb, ref m2, ref g2);
                }
            }

            if (rows > 3)
            {
                TVector x3i = TLanes.Broadcast(x3[i]);
                MultiplyAdd<TLanes, TVector>(x3i, la, ha, ref l3, ref h3);
                if (pair)
                {
                    MultiplyAdd<TLanes, TVector>(x3i, lb, hb, ref m3, ref g3);
                }
            }

            if (rows > 4)
            {
                TVector x4i = TLanes.Broadcast(x4[i]);
                MultiplyAdd<TLanes, TVector>(x4i, la, ha, ref l4, ref h4);
                if (pair)
                {
                    MultiplyAdd<TLanes, TVector>(x4i, lb, hb, ref m4, ref g4);
                }
            }

            if (rows > 5)
            {
                TVector x5i = TLanes.Broadcast(x5[i]);
                MultiplyAdd<TLanes, TVector>(x5i, la, ha, ref l5, ref h5);
                if (pair)
                {
                    MultiplyAdd<TLanes, TVector>(x5i, lb, hb, ref m5, ref g5);
                }
            }
        }

        StoreBlock<TLanes, TVector>(z, l0, h0, left);
        if (pair)
        {
            StoreBlock<TLanes, TVector>(z + (2 * lanes), m0, g0, left - (2 * lanes));
        }

        if (rows > 1)
        {
            StoreBlock<TLanes, TVector>(z + n, l1, h1, left);
            if (pair)
            {
                StoreBlock<TLanes, TVector>(z + n + (2 * lanes), m1, g1, left - (2 * lanes));
            }
        }

        if (rows > 2)
        {
            StoreBlock<TLanes, TVector>(z + (2 * n), l2, h2, left);
            if (pair)
            {
                StoreBlock<TLanes, TVector>(z + (2 * n) + (2 * lanes), m2, g2, left - (2 * lanes));
            }
        }

        if (rows > 3)
        {
            StoreBlock<TLanes, TVector>(z + (3 * n), l3, h3, left);
            if (pair)
            {
                StoreBlock<TLanes, TVector>(z + (3 * n) + (2 * lanes), m3, g3, left - (2 * lanes));
            }
        }

        if (rows > 4)
        {
            StoreBlock<TLanes, TVector>(z + (4 * n), l4, h4, left);
            if (pair)
            {
                StoreBlock<TLanes, TVector>(z + (4 * n) + (2 * lanes), m4, g4, left - (2 * lanes));
            }
        }

        if (rows > 5)
        {
            StoreBlock<TLanes, TVector>(z + (5 * n), l5, h5, left);
            if (pair)
            {
                StoreBlock<TLanes, TVector>(z + (5 * n) + (2 * lanes), m5, g5, left - (2 * lanes));
            }
        }
    }

    /// <summary>acc low += x · low and acc high += x · high: one row's step on one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd<TLanes, TVector>(TVector x, TVector low, TVector high, ref TVector accLow, ref TVector accHigh)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        accLow = TLanes.MultiplyAdd(x, low, accLow);
        accHigh = TLanes.MultiplyAdd(x, high, accHigh);
    }

    /// <summary>
    /// One row × TBlocks.Value (1 or 2) neighbouring blocks, two sequential streams: a 1-row tile has only 2 FMA chains,
    /// so the depth is unrolled twice (even and odd depths), and each broadcast of x feeds every block's two FMAs, for 8
    /// independent chains on two blocks. A block gets the same arithmetic alone or paired (even and odd sums, added at
    /// the end), so its bits do not depend on how the blocks were shared between workers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TLanes, TVector, TBlocks>(float* x, uint* w, int k, float* z, int left)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
        where TBlocks : struct, IGemmRows
    {
        int lanes = TLanes.Count, i = 0;
        bool pair = TBlocks.Value > 1;
        TVector la0 = default, ha0 = default, lb0 = default, hb0 = default, la1 = default, ha1 = default, lb1 = default, hb1 = default;
        float* wa = (float*)w, wb = wa + ((long)k * lanes), xi = x;
        for (; i <= k - 2; i += 2, wa += 2 * lanes, wb += 2 * lanes, xi += 2)
        {
            TVector x0 = TLanes.Broadcast(xi[0]), x1 = TLanes.Broadcast(xi[1]);
            TVector pa0 = TLanes.Load(wa), pa1 = TLanes.Load(wa + lanes);
            la0 = TLanes.MultiplyAdd(x0, TLanes.WidenLowHalves(pa0), la0);
            ha0 = TLanes.MultiplyAdd(x0, TLanes.WidenHighHalves(pa0), ha0);
            la1 = TLanes.MultiplyAdd(x1, TLanes.WidenLowHalves(pa1), la1);
            ha1 = TLanes.MultiplyAdd(x1, TLanes.WidenHighHalves(pa1), ha1);
            if (pair)
            {
                TVector pb0 = TLanes.Load(wb), pb1 = TLanes.Load(wb + lanes);
                lb0 = TLanes.MultiplyAdd(x0, TLanes.WidenLowHalves(pb0), lb0);
                hb0 = TLanes.MultiplyAdd(x0, TLanes.WidenHighHalves(pb0), hb0);
                lb1 = TLanes.MultiplyAdd(x1, TLanes.WidenLowHalves(pb1), lb1);
                hb1 = TLanes.MultiplyAdd(x1, TLanes.WidenHighHalves(pb1), hb1);
            }
        }

        if (i < k)
        {
            TVector x0 = TLanes.Broadcast(xi[0]), pa0 = TLanes.Load(wa);
            la0 = TLanes.MultiplyAdd(x0, TLanes.WidenLowHalves(pa0), la0);
            ha0 = TLanes.MultiplyAdd(x0, TLanes.WidenHighHalves(pa0), ha0);
            if (pair)
            {
                TVector pb0 = TLanes.Load(wb);
                lb0 = TLanes.MultiplyAdd(x0, TLanes.WidenLowHalves(pb0), lb0);
                hb0 = TLanes.MultiplyAdd(x0, TLanes.WidenHighHalves(pb0), hb0);
            }
        }

        StoreBlock<TLanes, TVector>(z, TLanes.Add(la0, la1), TLanes.Add(ha0, ha1), left);
        if (pair)
        {
            StoreBlock<TLanes, TVector>(z + (2 * lanes), TLanes.Add(lb0, lb1), TLanes.Add(hb0, hb1), left - (2 * lanes));
        }
    }

    /// <summary>A block's 2·C sums of one row: the first min(<paramref name="left"/>, 2·C) columns written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock<TLanes, TVector>(float* z, TVector low, TVector high, int left)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count;
        if (left >= 2 * lanes)
        {
            TLanes.Store(z, low);
            TLanes.Store(z + lanes, high);
        }
        else if (left > lanes)
        {
            TLanes.Store(z, low);
            TLanes.Store(z + lanes, high, TLanes.FirstLanes(left - lanes));
        }
        else
        {
            TLanes.Store(z, low, TLanes.FirstLanes(left));
        }
    }

    /// <summary>One product, split over whole blocks: worker w runs every row on its contiguous range of blocks.</summary>
    private readonly struct Product<TLanes, TVector>(float* x, int batch, uint* w, int k, int n, float* z) : IParallelBody
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        public void Prepare(int workerCount)
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            int width = 2 * TLanes.Count;
            (int first, int end) = GemmBlocking.Share(GemmBlocking.CeilDiv(n, width), 1, worker, workerCount);
            for (int r = 0; r < batch; r += MaxRows)
            {
                int rows = Math.Min(MaxRows, batch - r);
                float* xr = x + ((long)r * k), zr = z + ((long)r * n);
                int b = first;
                if (rows == 1 || TLanes.Count >= 16)
                {
                    for (; b < end - 1; b += 2)
                    {
                        Tiles<GemmRows2>(rows, xr, w + ((long)b * k * TLanes.Count), k, n, zr + (b * width), n - (b * width));
                    }
                }

                for (; b < end; b++)
                {
                    Tiles<GemmRows1>(rows, xr, w + ((long)b * k * TLanes.Count), k, n, zr + (b * width), n - (b * width));
                }
            }
        }

        /// <summary>The tile for exactly <paramref name="rows"/> rows (2..6; one row is Row) on TBlocks.Value blocks.</summary>
        private static void Tiles<TBlocks>(int rows, float* x, uint* w, int k, int n, float* z, int left)
            where TBlocks : struct, IGemmRows
        {
            switch (rows)
            {
                case 6: Tile<TLanes, TVector, GemmRows6, TBlocks>(x, w, k, n, z, left); break;
                case 5: Tile<TLanes, TVector, GemmRows5, TBlocks>(x, w, k, n, z, left); break;
                case 4: Tile<TLanes, TVector, GemmRows4, TBlocks>(x, w, k, n, z, left); break;
                case 3: Tile<TLanes, TVector, GemmRows3, TBlocks>(x, w, k, n, z, left); break;
                case 2: Tile<TLanes, TVector, GemmRows2, TBlocks>(x, w, k, n, z, left); break;
                default: Row<TLanes, TVector, TBlocks>(x, w, k, z, left); break;
            }
        }
    }
}
