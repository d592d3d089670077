// NaiveGemm: the naive scalar twin of FastMlp.Gemm.Multiply, written from the definition and nothing else.
//
// Contract (the same as Gemm.Multiply, DESIGN.md section 2), all row-major:
//   C (m×n) = alpha · op(A) · op(B) + beta · C
//   op(A) is m×k: A stored m×k (row stride lda), or k×m when transposeA.
//   op(B) is k×n: B stored k×n (row stride ldb), or n×k when transposeB.
//   beta == 0: C is written, never read (NaN in C does not leak).
//   alpha == 0 or k == 0: A and B are never read (C = beta · C), as in BLAS.
//   Only the m×n region of C is written; elements between rows (the ldc padding) are left untouched.
// Each dot product is accumulated in double and rounded to float once, so the result is the exact
// value rounded once whenever the inputs are small integers, and within about 2^-24 relative of it
// otherwise. It validates nothing and makes no attempt to be fast: it is the yardstick, not a product.

namespace FastMlp.Reference;

/// <summary>Triple-loop GEMM with double accumulation: the reference the fast kernels are proven against.</summary>
public static class NaiveGemm
{
    /// <summary>C (m×n) = alpha · op(A) · op(B) + beta · C, row-major, any transpose and stride.</summary>
    public static void Multiply(
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        int m, int n, int k,
        float alpha, float beta)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                // alpha == 0 means "A and B are not referenced": skipping the loop keeps NaN in A or B out.
                if (alpha != 0)
                {
                    for (int p = 0; p < k; p++)
                    {
                        float aip = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                        float bpj = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                        sum += (double)aip * bpj;
                    }

                    sum *= alpha;
                }

                // beta == 0 means "C is not read": NaN or garbage already in C must not reach the result.
                if (beta != 0)
                {
                    sum += (double)beta * c[(i * ldc) + j];
                }

                c[(i * ldc) + j] = (float)sum;
            }
        }
    }
}
