using System.Numerics.Tensors;

namespace FastMlp.Benchmarks;

/// <summary>
/// The W1 baselines of WORKLOADS.md, written the way a C# programmer would without FastMlp.
/// C (n×n) = A (n×n) · B (n×n), row-major, one thread. Not FastMlp code: only comparison points.
/// </summary>
internal static class GemmBaselines
{
    /// <summary>"naive C# 1T": the i-k-j triple loop in scalar float (the inner loop walks rows of B and C).</summary>
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
    /// "TensorPrimitives row-wise loop 1T": C[i, :] += A[i, p] · B[p, :] for each i and p,
    /// one vectorized <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/> per row pair.
    /// </summary>
    public static void TensorPrimitivesRowwise(float[] a, float[] b, float[] c, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<float> cRow = c.AsSpan(i * n, n);
            cRow.Clear();
            for (int p = 0; p < n; p++)
            {
                TensorPrimitives.MultiplyAdd(b.AsSpan(p * n, n), a[(i * n) + p], cRow, cRow);
            }
        }
    }
}
