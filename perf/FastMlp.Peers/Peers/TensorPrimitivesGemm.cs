using System.Numerics.Tensors;

namespace FastMlp.Peers.Peers;

/// <summary>
/// The GEMM a C# programmer writes with TensorPrimitives and no GEMM library: one vectorized call per row pair,
/// rows of C split over threads with Parallel.For. Not FastMlp code, only a comparison point.
/// NN and TN: C[i, :] = Σ_p op(A)[i, p] · B[p, :] (MultiplyAdd over rows of B); NT: C[i, j] = Dot(A[i, :], B[j, :]).
/// </summary>
internal static class TensorPrimitivesGemm
{
    public static void Multiply(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA, bool transposeB, int threads)
    {
        if (transposeA && transposeB)
        {
            throw new NotSupportedException("Aᵀ·Bᵀ is not a product the MLP computes.");
        }

        if (threads == 1)
        {
            Rows(a, b, c, m, n, k, transposeA, transposeB, 0, m);
            return;
        }

        int chunk = (m + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => Rows(a, b, c, m, n, k, transposeA, transposeB, t * chunk, Math.Min(m, (t + 1) * chunk)));
    }

    private static void Rows(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA, bool transposeB, int first, int end)
    {
        for (int i = first; i < end; i++)
        {
            Span<float> cRow = c.AsSpan(i * n, n);
            if (transposeB)
            {
                ReadOnlySpan<float> aRow = a.AsSpan(i * k, k);
                for (int j = 0; j < n; j++)
                {
                    cRow[j] = TensorPrimitives.Dot(aRow, b.AsSpan(j * k, k));
                }

                continue;
            }

            cRow.Clear();
            for (int p = 0; p < k; p++)
            {
                float aip = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                TensorPrimitives.MultiplyAdd(b.AsSpan(p * n, n), aip, cRow, cRow);
            }
        }
    }
}
