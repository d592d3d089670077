// The SIMD micro-kernel, one source for both register widths (IGemmLanes) and every row count of an
// edge tile (IGemmRows): 6 rows × 2 vectors, so 6×32 on Vector512 and 6×16 on Vector256. Twelve
// accumulators, two B vectors and one broadcast A value per step: 15 registers, which fits AVX2's 16
// ymm without spilling and leaves AVX-512 room. Per depth step 2 B loads, 6 broadcasts from A where it
// lies and 12 FMAs. On the Zen 5 of perf/results/amd-epyc-zen5-2c the 512-bit instantiation ran
// 1.6-1.9× the 256-bit one; on the Zen 4, which splits a 512-bit FMA in two, separate runs put them
// within about 10% (README "Kernel choice"). Every entry is AggressiveOptimization: compiled once with full
// optimization and never re-profiled, since under tiered PGO code profiled on 32³ products ran later
// 1024³ products 2.7× slower (perf/AbCompare). Contract in IGemmKernel.cs.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal readonly unsafe struct GemmKernelSimd<TLanes, TVector> : IGemmKernel
    where TLanes : struct, IGemmLanes<TVector>
    where TVector : struct
{
    public static int MR => 6;

    public static int NR => 2 * TLanes.Count;

    public static bool IsSupported => TLanes.IsSupported;

    /// <summary>One register of B columns: B rows that narrow are read a register wide where that lies inside B and masked elsewhere, so B is never packed for them.</summary>
    public static int NarrowColumns => TLanes.Count;

    /// <summary>Dispatches to the body for exactly mr rows, so a short edge tile does only its own rows' arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        switch (mr)
        {
            case 6: Tile<GemmRows6>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
            case 5: Tile<GemmRows5>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
            case 4: Tile<GemmRows4>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
            case 3: Tile<GemmRows3>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
            case 2: Tile<GemmRows2>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
            default: Tile<GemmRows1>(kc, a, aRow, aDepth, b, ldb, c, ldc, nr, alpha, beta); break;
        }
    }

    public static float MultiplyAdd(float a, float b, float acc) => MathF.FusedMultiplyAdd(a, b, acc);

    /// <summary>
    /// Eight accumulators of one register each hide the FMA latency while B rows stream with stride ldb; then one
    /// register at a time, then the masked rest. Bounds are written j ≤ n − width so they cannot overflow for n near
    /// int.MaxValue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta)
    {
        int width = TLanes.Count, j = 0;
        var store = new TileStore(alpha, beta, 2 * width);
        for (; j <= n - (8 * width); j += 8 * width)
        {
            TVector r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                TVector ap = TLanes.Broadcast(a[p]);
                r0 = TLanes.MultiplyAdd(ap, TLanes.Load(bp), r0);
                r1 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + width), r1);
                r2 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (2 * width)), r2);
                r3 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (3 * width)), r3);
                r4 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (4 * width)), r4);
                r5 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (5 * width)), r5);
                r6 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (6 * width)), r6);
                r7 = TLanes.MultiplyAdd(ap, TLanes.Load(bp + (7 * width)), r7);
            }

            store.Row(c + j, r0, r1);
            store.Row(c + j + (2 * width), r2, r3);
            store.Row(c + j + (4 * width), r4, r5);
            store.Row(c + j + (6 * width), r6, r7);
        }

        TVector all = TLanes.FirstLanes(width);
        for (; j < n; j += width)
        {
            // The last pass may be short: its masked lanes are neither read (no fault past the end) nor written.
            TVector mask = n - j >= width ? all : TLanes.FirstLanes(n - j);
            TVector r0 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                r0 = TLanes.MultiplyAdd(TLanes.Broadcast(a[p]), TLanes.Load(bp, mask), r0);
            }

            store.Masked(c + j, r0, mask);
        }
    }

    /// <summary>
    /// TRows.Value ≤ 6 rows × 2 registers. Each row broadcasts its A value from where it lies, one offset stepping
    /// through the depth for all rows. TRows is a constant for the JIT, so every `rows > r` test below is
    /// resolved when the instantiation compiles and a short tile carries no code for the rows it lacks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int nr, float alpha, float beta)
        where TRows : struct, IGemmRows
    {
        int rows = TRows.Value, width = TLanes.Count;
        float* a0 = a, a1 = a + aRow, a2 = a + (2 * aRow), a3 = a + (3 * aRow), a4 = a + (4 * aRow), a5 = a + (5 * aRow);
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint depth = 0;
        for (int p = kc; p > 0; p--, b += ldb, depth += aDepth)
        {
            TVector b0 = TLanes.Load(b);
            TVector b1 = TLanes.Load(b + width);
            TVector ai = TLanes.Broadcast(a0[depth]);
            c00 = TLanes.MultiplyAdd(ai, b0, c00);
            c01 = TLanes.MultiplyAdd(ai, b1, c01);
            if (rows > 1)
            {
                ai = TLanes.Broadcast(a1[depth]);
                c10 = TLanes.MultiplyAdd(ai, b0, c10);
                c11 = TLanes.MultiplyAdd(ai, b1, c11);
            }

            if (rows > 2)
            {
                ai = TLanes.Broadcast(a2[depth]);
                c20 = TLanes.MultiplyAdd(ai, b0, c20);
                c21 = TLanes.MultiplyAdd(ai, b1, c21);
            }

            if (rows > 3)
            {
                ai = TLanes.Broadcast(a3[depth]);
                c30 = TLanes.MultiplyAdd(ai, b0, c30);
                c31 = TLanes.MultiplyAdd(ai, b1, c31);
            }

            if (rows > 4)
            {
                ai = TLanes.Broadcast(a4[depth]);
                c40 = TLanes.MultiplyAdd(ai, b0, c40);
                c41 = TLanes.MultiplyAdd(ai, b1, c41);
            }

            if (rows > 5)
            {
                ai = TLanes.Broadcast(a5[depth]);
                c50 = TLanes.MultiplyAdd(ai, b0, c50);
                c51 = TLanes.MultiplyAdd(ai, b1, c51);
            }
        }

        var store = new TileStore(alpha, beta, nr);
        store.Row(c, c00, c01);
        if (rows > 1)
        {
            store.Row(c + ldc, c10, c11);
        }

        if (rows > 2)
        {
            store.Row(c + (2 * ldc), c20, c21);
        }

        if (rows > 3)
        {
            store.Row(c + (3 * ldc), c30, c31);
        }

        if (rows > 4)
        {
            store.Row(c + (4 * ldc), c40, c41);
        }

        if (rows > 5)
        {
            store.Row(c + (5 * ldc), c50, c51);
        }
    }

    /// <summary>Dispatches to the one-register body for exactly mr rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, int fullRows, float* c, nint ldc, int mr, int n, float alpha, float beta)
    {
        switch (mr)
        {
            case 6: Narrow<GemmRows6>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
            case 5: Narrow<GemmRows5>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
            case 4: Narrow<GemmRows4>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
            case 3: Narrow<GemmRows3>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
            case 2: Narrow<GemmRows2>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
            default: Narrow<GemmRows1>(kc, a, aRow, aDepth, b, ldb, fullRows, c, ldc, n, alpha, beta); break;
        }
    }

    /// <summary>
    /// TRows.Value ≤ 6 independent FMA chains sharing one B row per step: for at most one register of columns this
    /// is one B load per step where Tile would spend two (the N = 10 output layer is nothing else). The first
    /// fullRows rows of B load a whole register (the lanes past n hold other elements of B, or a panel's zeros,
    /// and are never stored); only the last rows of B load masked. A masked load in every step cost 20% here: the
    /// JIT (.NET 10) converts the mask to a k register inside the loop unless the loop is just so (perf/AbCompare,
    /// 1024×10×128).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow<TRows>(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, int fullRows, float* c, nint ldc, int n, float alpha, float beta)
        where TRows : struct, IGemmRows
    {
        int rows = TRows.Value;
        float* a0 = a, a1 = a + aRow, a2 = a + (2 * aRow), a3 = a + (3 * aRow), a4 = a + (4 * aRow), a5 = a + (5 * aRow);
        TVector mask = TLanes.FirstLanes(n);
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        nint depth = 0;
        int p = 0;
        for (; p < fullRows; p++, b += ldb, depth += aDepth)
        {
            NarrowStep<TRows>(TLanes.Load(b), a0, a1, a2, a3, a4, a5, depth, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
        }

        for (; p < kc; p++, b += ldb, depth += aDepth)
        {
            NarrowStep<TRows>(TLanes.Load(b, mask), a0, a1, a2, a3, a4, a5, depth, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
        }

        var store = new TileStore(alpha, beta, n);
        store.Masked(c, c0, mask);
        if (rows > 1)
        {
            store.Masked(c + ldc, c1, mask);
        }

        if (rows > 2)
        {
            store.Masked(c + (2 * ldc), c2, mask);
        }

        if (rows > 3)
        {
            store.Masked(c + (3 * ldc), c3, mask);
        }

        if (rows > 4)
        {
            store.Masked(c + (4 * ldc), c4, mask);
        }

        if (rows > 5)
        {
            store.Masked(c + (5 * ldc), c5, mask);
        }
    }

    /// <summary>One depth step of <see cref="Narrow{TRows}"/>: each present row's FMA with the shared B row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowStep<TRows>(
        TVector b0, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, nint depth,
        ref TVector c0, ref TVector c1, ref TVector c2, ref TVector c3, ref TVector c4, ref TVector c5)
        where TRows : struct, IGemmRows
    {
        int rows = TRows.Value;
        c0 = TLanes.MultiplyAdd(TLanes.Broadcast(a0[depth]), b0, c0);
        if (rows > 1)
        {
            c1 = TLanes.MultiplyAdd(TLanes.Broadcast(a1[depth]), b0, c1);
        }

        if (rows > 2)
        {
            c2 = TLanes.MultiplyAdd(TLanes.Broadcast(a2[depth]), b0, c2);
        }

        if (rows > 3)
        {
            c3 = TLanes.MultiplyAdd(TLanes.Broadcast(a3[depth]), b0, c3);
        }

        if (rows > 4)
        {
            c4 = TLanes.MultiplyAdd(TLanes.Broadcast(a4[depth]), b0, c4);
        }

        if (rows > 5)
        {
            c5 = TLanes.MultiplyAdd(TLanes.Broadcast(a5[depth]), b0, c5);
        }
    }

    /// <summary>
    /// The store every kernel entry shares: c = alpha · acc, or alpha · acc + beta · c as a separate multiply and add
    /// (never fused, the scalar kernels' formula); beta == 0 never reads c.
    /// </summary>
    private readonly struct TileStore(float alpha, float beta, int columns)
    {
        private readonly TVector _alpha = TLanes.Broadcast(alpha);
        private readonly TVector _beta = TLanes.Broadcast(beta);
        private readonly bool _readsC = beta != 0;

        /// <summary>Two registers of one row, the first min(columns, NR) lanes written.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(float* c, TVector acc0, TVector acc1)
        {
            int width = TLanes.Count;
            if (columns == 2 * width)
            {
                Full(c, acc0);
                Full(c + width, acc1);
            }
            else
            {
                Masked(c, acc0, TLanes.FirstLanes(Math.Min(columns, width)));
                Masked(c + width, acc1, TLanes.FirstLanes(Math.Max(columns - width, 0)));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Masked(float* c, TVector acc, TVector mask)
        {
            TVector result = TLanes.Multiply(_alpha, acc);
            if (_readsC)
            {
                result = TLanes.Add(result, TLanes.Multiply(_beta, TLanes.Load(c, mask)));
            }

            TLanes.Store(c, result, mask);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Full(float* c, TVector acc)
        {
            TVector result = TLanes.Multiply(_alpha, acc);
            if (_readsC)
            {
                result = TLanes.Add(result, TLanes.Multiply(_beta, TLanes.Load(c)));
            }

            TLanes.Store(c, result);
        }
    }
}
