using System.Numerics.Tensors;

namespace FastMlp.Benchmarks;

/// <summary>
/// The W1 baselines of WORKLOADS.md, written the way a C# programmer would without FastMlp, row-major.
/// Not FastMlp code: only comparison points.
/// </summary>
internal static class GemmBaselines
{
    /// <summary>"naive C# 1T": C (n×n) = A·B by the i-k-j triple loop in scalar float (the inner loop walks rows of B and C).</summary>
    public static void NaiveIkj(float[] a, float[] b, float[] c, int n)
    {
        Array.Clear(c, 0, n * n);
        for (int i = 0; i < n; i++)
        {
            for (int p = 0; p < n; p++)
            {
                float aip = a[(i * n) + p];
                for (int j = 0; j < n; j++)
                {
                    c[(i * n) + j] += aip * b[(p * n) + j];
                }
            }
        }
    }

    /// <summary>
    /// "TensorPrimitives row-wise loop": the GEMM a C# programmer writes with TensorPrimitives and no GEMM library,
    /// one vectorized call per row pair, rows of C split over <paramref name="threads"/> with Parallel.For.
    /// C (m×n) = op(A)·op(B), row-major, as Gemm.Multiply with contiguous operands (A stored k×m when transposed,
    /// B stored n×k when transposed). NN and TN: C[i, :] = Σ_p op(A)[i, p] · B[p, :] (MultiplyAdd over rows of B);
    /// NT: C[i, j] = Dot(A[i, :], B[j, :]). perf/FastMlp.Peers links this file: one baseline for both suites.
    /// </summary>
    public static void TensorPrimitivesRowwise(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA = false, bool transposeB = false, int threads = 1)
    {
        if (transposeA && transposeB)
        {
            throw new NotSupportedException("Aᵀ·Bᵀ is not a product the MLP computes.");
        }

        if (threads == 1)
        {
            RowwiseRows(a, b, c, m, n, k, transposeA, transposeB, 0, m);
        }
        else
        {
            RowwiseParallel(a, b, c, m, n, k, transposeA, transposeB, threads);
        }
    }

    /// <summary>A method of its own: the lambda's closure would otherwise be allocated on every call, one thread or not.</summary>
    private static void RowwiseParallel(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA, bool transposeB, int threads)
    {
        int chunk = (m + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => RowwiseRows(a, b, c, m, n, k, transposeA, transposeB, t * chunk, Math.Min(m, (t + 1) * chunk)));
    }

    private static void RowwiseRows(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA, bool transposeB, int first, int end)
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
