// 6×16 micro-kernel on Vector256 with FMA3: twelve accumulators (6 rows × 2 vectors), two B vectors
// and one broadcast A value per step: 15 of 16 ymm registers, so nothing spills without AVX-512.
// Per p: 2 loads of B, 6 broadcasts and 12 FMAs (6 cycles at 2 FMA/cycle). Contract in IGemmKernel.cs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal readonly unsafe struct GemmKernel6x16Fma : IGemmKernel
{
    public static int MR => 6;

    public static int NR => 16;

    public static bool IsSupported => Fma.IsSupported && Avx.IsSupported;

    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += 6, b += ldb)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
        }

        Vector256<float> va = Vector256.Create(alpha);
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
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c00, c01, va, vb);
            Update(c + ldc, c10, c11, va, vb);
            Update(c + (2 * ldc), c20, c21, va, vb);
            Update(c + (3 * ldc), c30, c31, va, vb);
            Update(c + (4 * ldc), c40, c41, va, vb);
            Update(c + (5 * ldc), c50, c51, va, vb);
        }
    }

    /// <summary>No narrow path: narrow products take the small or packed path, and edge tiles a temporary tile.</summary>
    public static int NarrowColumns => 0;

    /// <summary>Never called: <see cref="NarrowColumns"/> is 0.</summary>
    public static void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int n, float alpha, float beta) =>
        throw new NotSupportedException("This kernel has no narrow path.");

    public static float MultiplyAdd(float a, float b, float acc) => MathF.FusedMultiplyAdd(a, b, acc);

    public static void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta)
    {
        // Eight accumulators of 8 columns hide the FMA latency; B rows stream with stride ldb. Bounds are
        // written j ≤ n − width so they cannot overflow for n near int.MaxValue.
        int j = 0;
        for (; j <= n - (8 * 8); j += 8 * 8)
        {
            Vector256<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                Vector256<float> ap = Vector256.Create(a[p]);
                r0 = Fma.MultiplyAdd(ap, Vector256.Load(bp), r0);
                r1 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 8), r1);
                r2 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 16), r2);
                r3 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 24), r3);
                r4 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 32), r4);
                r5 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 40), r5);
                r6 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 48), r6);
                r7 = Fma.MultiplyAdd(ap, Vector256.Load(bp + 56), r7);
            }

            Vector256<float> va = Vector256.Create(alpha);
            if (beta == 0)
            {
                Store(c + j, r0, r1, va);
                Store(c + j + 16, r2, r3, va);
                Store(c + j + 32, r4, r5, va);
                Store(c + j + 48, r6, r7, va);
            }
            else
            {
                Vector256<float> vb = Vector256.Create(beta);
                Update(c + j, r0, r1, va, vb);
                Update(c + j + 16, r2, r3, va, vb);
                Update(c + j + 32, r4, r5, va, vb);
                Update(c + j + 48, r6, r7, va, vb);
            }
        }

        for (; j <= n - 8; j += 8)
        {
            Vector256<float> r0 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                r0 = Fma.MultiplyAdd(Vector256.Create(a[p]), Vector256.Load(bp), r0);
            }

            r0 *= Vector256.Create(alpha);
            (beta == 0 ? r0 : r0 + (Vector256.Create(beta) * Vector256.Load(c + j))).Store(c + j);
        }

        if (j < n)
        {
            // The last n − j < 8 columns: masked lanes are neither read (no fault past the end) nor written.
            Vector256<float> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(n - j)).AsSingle();
            Vector256<float> r0 = default;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                r0 = Fma.MultiplyAdd(Vector256.Create(a[p]), Avx.MaskLoad(bp, mask), r0);
            }

            r0 *= Vector256.Create(alpha);
            if (beta != 0)
            {
                r0 += Vector256.Create(beta) * Avx.MaskLoad((c + j), mask);
            }

            Avx.MaskStore(c + j, mask, r0);
        }
    }

    /// <summary>c = alpha · acc, without reading c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc0, Vector256<float> acc1, Vector256<float> alpha)
    {
        (alpha * acc0).Store(c);
        (alpha * acc1).Store(c + 8);
    }

    /// <summary>c = alpha · acc + beta · c, unfused to match the scalar edge store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> acc0, Vector256<float> acc1, Vector256<float> alpha, Vector256<float> beta)
    {
        ((alpha * acc0) + (beta * Vector256.Load(c))).Store(c);
        ((alpha * acc1) + (beta * Vector256.Load(c + 8))).Store(c + 8);
    }
}
