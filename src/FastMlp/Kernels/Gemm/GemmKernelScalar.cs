// Portable 4×4 micro-kernel for machines (or DOTNET_EnableHWIntrinsic=0 runs) without 256-bit FMA.
// Sixteen scalar accumulators; contract in IGemmKernel.cs.
namespace FastMlp;

internal readonly unsafe struct GemmKernelScalar : IGemmKernel
{
    public static int MR => 4;

    public static int NR => 4;

    public static bool IsSupported => true;

    /// <summary>The missing rows of a short tile re-read row 0 (in bounds) and are not stored.</summary>
    public static void Run(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        float* a0 = a, a1 = mr > 1 ? a + aRow : a, a2 = mr > 2 ? a + (2 * aRow) : a, a3 = mr > 3 ? a + (3 * aRow) : a;
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        nint depth = 0;
        for (int p = 0; p < kc; p++, b += ldb, depth += aDepth)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float ai = a0[depth];
            c00 += ai * b0; c01 += ai * b1; c02 += ai * b2; c03 += ai * b3;
            ai = a1[depth];
            c10 += ai * b0; c11 += ai * b1; c12 += ai * b2; c13 += ai * b3;
            ai = a2[depth];
            c20 += ai * b0; c21 += ai * b1; c22 += ai * b2; c23 += ai * b3;
            ai = a3[depth];
            c30 += ai * b0; c31 += ai * b1; c32 += ai * b2; c33 += ai * b3;
        }

        StoreRow(c, nr, c00, c01, c02, c03, alpha, beta);
        if (mr > 1)
        {
            StoreRow(c + ldc, nr, c10, c11, c12, c13, alpha, beta);
        }

        if (mr > 2)
        {
            StoreRow(c + (2 * ldc), nr, c20, c21, c22, c23, alpha, beta);
        }

        if (mr > 3)
        {
            StoreRow(c + (3 * ldc), nr, c30, c31, c32, c33, alpha, beta);
        }
    }

    /// <summary>None: a four-column panel is already as narrow as scalar code gets, so Run takes every panel.</summary>
    public static int NarrowColumns => 0;

    /// <summary>Never called: <see cref="NarrowColumns"/> is 0.</summary>
    public static void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, int fullRows, float* c, nint ldc, int mr, int n, float alpha, float beta) =>
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

            Store(c + j, acc, alpha, beta);
        }
    }

    /// <summary>The first nr ≤ 4 values of one row of the tile.</summary>
    private static void StoreRow(float* c, int nr, float x0, float x1, float x2, float x3, float alpha, float beta)
    {
        Store(c, x0, alpha, beta);
        if (nr > 1)
        {
            Store(c + 1, x1, alpha, beta);
        }

        if (nr > 2)
        {
            Store(c + 2, x2, alpha, beta);
        }

        if (nr > 3)
        {
            Store(c + 3, x3, alpha, beta);
        }
    }

    /// <summary>*c = alpha · acc (+ beta · *c, unfused); beta == 0 never reads c.</summary>
    private static void Store(float* c, float acc, float alpha, float beta) => *c = beta == 0 ? alpha * acc : (alpha * acc) + (beta * *c);
}
