// 6×32 micro-kernel on Vector512: twelve accumulators (6 rows × 2 vectors), two B vectors and one
// broadcast A value per step, 15 of 32 zmm registers. Chosen over the 256-bit kernel because on this
// machine (AMD family 1Ah, full-width 512-bit FMA) it runs at about 1.5× its throughput on
// L1-resident panels; see README "Kernel choice". Contract in IGemmKernel.cs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal readonly unsafe struct GemmKernel6x32Avx512 : IGemmKernel
{
    public static int MR => 6;

    public static int NR => 32;

    public static bool IsSupported => Avx512F.IsSupported;

    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += 6, b += ldb)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(ai, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(ai, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(ai, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(ai, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(ai, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(ai, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(ai, b1, c51);
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0)
        {
            Store(c, c00, c01, va);
            Store(c + ldc, c10, c11, va);
            Store(c + (2 * ldc), c20, c21, va);
            Store(c + (3 * ldc), c30, c31, va);
            Store(c + (4 * ldc), c40, c41, va);
            Store(c + (5 * ldc), c50, c51, va);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c, c00, c01, va, vb);
            Update(c + ldc, c10, c11, va, vb);
            Update(c + (2 * ldc), c20, c21, va, vb);
            Update(c + (3 * ldc), c30, c31, va, vb);
            Update(c + (4 * ldc), c40, c41, va, vb);
            Update(c + (5 * ldc), c50, c51, va, vb);
        }
    }

    public static int NarrowColumns => 16;

    /// <summary>
    /// Six independent FMA chains, one per row, each broadcasting its A value from where it lies (one offset steps
    /// through the depth for all six) and sharing one masked B row; the missing rows of a short group re-read row 0
    /// (in bounds) and are not stored. For an edge tile of the tile paths (the N = 10 output layer is nothing
    /// else) this is one B vector per step instead of Run's two, and masked stores instead of a full temporary tile.
    /// </summary>
    public static void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int n, float alpha, float beta)
    {
        float* a0 = a, a1 = mr > 1 ? a + aRow : a, a2 = mr > 2 ? a + (2 * aRow) : a;
        float* a3 = mr > 3 ? a + (3 * aRow) : a, a4 = mr > 4 ? a + (4 * aRow) : a, a5 = mr > 5 ? a + (5 * aRow) : a;
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle();
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        nint depth = 0;
        for (int p = 0; p < kc; p++, b += ldb, depth += aDepth)
        {
            Vector512<float> b0 = Avx512F.MaskLoad(b, mask, default);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[depth]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[depth]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[depth]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[depth]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[depth]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[depth]), b0, c5);
        }

        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        StoreMasked(c, c0, mask, va, vb, beta);
        if (mr > 1)
        {
            StoreMasked(c + ldc, c1, mask, va, vb, beta);
        }

        if (mr > 2)
        {
            StoreMasked(c + (2 * ldc), c2, mask, va, vb, beta);
        }

        if (mr > 3)
        {
            StoreMasked(c + (3 * ldc), c3, mask, va, vb, beta);
        }

        if (mr > 4)
        {
            StoreMasked(c + (4 * ldc), c4, mask, va, vb, beta);
        }

        if (mr > 5)
        {
            StoreMasked(c + (5 * ldc), c5, mask, va, vb, beta);
        }
    }

    public static float MultiplyAdd(float a, float b, float acc) => MathF.FusedMultiplyAdd(a, b, acc);

    public static void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta)
    {
        // Eight accumulators of 16 columns hide the FMA latency; B rows stream with stride ldb. Bounds are
        // written j ≤ n − width so they cannot overflow for n near int.MaxValue.
        int j = 0;
        for (; j <= n - (8 * 16); j += 8 * 16)
        {
            Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                Vector512<float> ap = Vector512.Create(a[p]);
                r0 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp), r0);
                r1 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 16), r1);
                r2 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 32), r2);
                r3 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 48), r3);
                r4 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 64), r4);
                r5 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 80), r5);
                r6 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 96), r6);
                r7 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(bp + 112), r7);
            }

            Vector512<float> va = Vector512.Create(alpha);
            if (beta == 0)
            {
                Store(c + j, r0, r1, va);
                Store(c + j + 32, r2, r3, va);
                Store(c + j + 64, r4, r5, va);
                Store(c + j + 96, r6, r7, va);
            }
            else
            {
                Vector512<float> vb = Vector512.Create(beta);
                Update(c + j, r0, r1, va, vb);
                Update(c + j + 32, r2, r3, va, vb);
                Update(c + j + 64, r4, r5, va, vb);
                Update(c + j + 96, r6, r7, va, vb);
            }
        }

        for (; j <= n - 16; j += 16)
        {
            Vector512<float> r0 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                r0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(bp), r0);
            }

            r0 *= Vector512.Create(alpha);
            (beta == 0 ? r0 : r0 + (Vector512.Create(beta) * Vector512.Load(c + j))).Store(c + j);
        }

        if (j < n)
        {
            // The last n − j < 16 columns: masked lanes are neither read (no fault past the end) nor written.
            Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n - j)).AsSingle();
            Vector512<float> r0 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                r0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[p]), Avx512F.MaskLoad(bp, mask, default), r0);
            }

            r0 *= Vector512.Create(alpha);
            if (beta != 0)
            {
                r0 += Vector512.Create(beta) * Avx512F.MaskLoad((c + j), mask, default);
            }

            Avx512F.MaskStore(c + j, mask, r0);
        }
    }

    /// <summary>c = alpha · acc, without reading c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> alpha)
    {
        (alpha * acc0).Store(c);
        (alpha * acc1).Store(c + 16);
    }

    /// <summary>The lanes of <paramref name="mask"/>: c = alpha · acc (+ beta · c, unfused); masked lanes are neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked(float* c, Vector512<float> acc, Vector512<float> mask, Vector512<float> alpha, Vector512<float> beta, float betaScalar)
    {
        Vector512<float> result = alpha * acc;
        if (betaScalar != 0)
        {
            result += beta * Avx512F.MaskLoad(c, mask, default);
        }

        Avx512F.MaskStore(c, mask, result);
    }

    /// <summary>c = alpha · acc + beta · c, unfused to match the scalar edge store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> alpha, Vector512<float> beta)
    {
        ((alpha * acc0) + (beta * Vector512.Load(c))).Store(c);
        ((alpha * acc1) + (beta * Vector512.Load(c + 16))).Store(c + 16);
    }
}
