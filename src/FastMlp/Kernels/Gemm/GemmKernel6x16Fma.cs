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
