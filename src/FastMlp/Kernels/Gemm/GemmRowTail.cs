// The last n mod (vector width) columns of an m = 1 product for the FMA kernels, one scalar fused
// multiply-add per step: a lane of a vector FMA computes exactly this, so the tail matches the tiles.
namespace FastMlp;

internal static unsafe class GemmRowTail
{
    /// <summary>c[j] = alpha · Σ_p a[p] · b[p·ldb + j] + beta · c[j] for j in [j0, n), fused per step.</summary>
    public static void Fused(int kc, float* a, float* b, nint ldb, float* c, int j0, int n, float alpha, float beta)
    {
        for (int j = j0; j < n; j++)
        {
            float acc = 0f;
            float* bp = b + j;
            for (int p = 0; p < kc; p++, bp += ldb)
            {
                acc = MathF.FusedMultiplyAdd(a[p], *bp, acc);
            }

            c[j] = beta == 0 ? alpha * acc : (alpha * acc) + (beta * c[j]);
        }
    }
}
