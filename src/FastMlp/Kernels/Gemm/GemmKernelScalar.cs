// Portable 4×4 micro-kernel for machines (or DOTNET_EnableHWIntrinsic=0 runs) without 256-bit FMA.
// Sixteen scalar accumulators; contract in IGemmKernel.cs.
namespace FastMlp;

internal readonly unsafe struct GemmKernelScalar : IGemmKernel
{
    public static int MR => 4;

    public static int NR => 4;

    public static bool IsSupported => true;

    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++, a += 4, b += ldb)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            float a1 = a[1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            float a2 = a[2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            float a3 = a[3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }

        StoreRow(c, c00, c01, c02, c03, alpha, beta);
        StoreRow(c + ldc, c10, c11, c12, c13, alpha, beta);
        StoreRow(c + (2 * ldc), c20, c21, c22, c23, alpha, beta);
        StoreRow(c + (3 * ldc), c30, c31, c32, c33, alpha, beta);
    }

    /// <summary>No narrow path: narrow products take the small or packed path, and edge tiles a temporary tile.</summary>
    public static int NarrowColumns => 0;

    /// <summary>Never called: <see cref="NarrowColumns"/> is 0.</summary>
    public static void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int n, float alpha, float beta) =>
        throw new NotSupportedException("This kernel has no narrow path.");

    public static float MultiplyAdd(float a, float b, float acc) => acc + (a * b);

    public static void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta)
    {
        for (int j = 0; j < n; j++)
        {
            float acc = 0f;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                acc = MultiplyAdd(a[p], *bp, acc);
            }

            c[j] = beta == 0 ? alpha * acc : (alpha * acc) + (beta * c[j]);
        }
    }

    private static void StoreRow(float* c, float x0, float x1, float x2, float x3, float alpha, float beta)
    {
        if (beta == 0)
        {
            c[0] = alpha * x0; c[1] = alpha * x1; c[2] = alpha * x2; c[3] = alpha * x3;
        }
        else
        {
            c[0] = (alpha * x0) + (beta * c[0]); c[1] = (alpha * x1) + (beta * c[1]);
            c[2] = (alpha * x2) + (beta * c[2]); c[3] = (alpha * x3) + (beta * c[3]);
        }
    }
}
