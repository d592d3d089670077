// NaiveGemmTests: the reference is checked against products worked out by hand, so that a mistake in
// the yardstick cannot make the GEMM properties agree with a wrong answer.
using FastMlp.Reference;

namespace FastMlp.Tests.Reference;

public sealed class NaiveGemmTests
{
    // op(A) = [1 2 3; 4 5 6] (2×3), op(B) = [7 8; 9 10; 11 12] (3×2), op(A)·op(B) = [58 64; 139 154].
    private static readonly float[,] s_a = { { 1, 2, 3 }, { 4, 5, 6 } };
    private static readonly float[,] s_b = { { 7, 8 }, { 9, 10 }, { 11, 12 } };

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Matches_a_hand_computed_product_for_every_storage_and_stride(bool transposeA, bool transposeB)
    {
        // Stored with one NaN of padding per row: a stride mistake would read it.
        const int pad = 1;
        float[] a = Store(s_a, transposeA, pad, out int lda);
        float[] b = Store(s_b, transposeB, pad, out int ldb);
        const int ldc = 3;
        float[] c = [1, 1, -5, 2, 2];   // rows [1 1] and [2 2], with a sentinel between them

        NaiveGemm.Multiply(a, lda, transposeA, b, ldb, transposeB, c, ldc, 2, 2, 3, alpha: 2f, beta: -1f);

        Assert.Equal([(2 * 58) - 1, (2 * 64) - 1, -5, (2 * 139) - 2, (2 * 154) - 2], c);
    }

    [Fact]
    public void Beta_zero_never_reads_C()
    {
        float[] a = Store(s_a, false, 0, out int lda);
        float[] b = Store(s_b, false, 0, out int ldb);
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];

        NaiveGemm.Multiply(a, lda, false, b, ldb, false, c, 2, 2, 2, 3, alpha: 1f, beta: 0f);

        Assert.Equal([58f, 64f, 139f, 154f], c);
    }

    [Fact]
    public void Alpha_zero_never_reads_A_or_B()
    {
        float[] a = [float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN];
        float[] b = [float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN];
        float[] c = [1, 2, 3, 4];

        NaiveGemm.Multiply(a, 3, false, b, 2, false, c, 2, 2, 2, 3, alpha: 0f, beta: 0.5f);

        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
    }

    /// <summary>The matrix stored row-major (or its transpose), each row followed by <paramref name="pad"/> NaNs.</summary>
    private static float[] Store(float[,] matrix, bool transpose, int pad, out int ld)
    {
        int rows = transpose ? matrix.GetLength(1) : matrix.GetLength(0);
        int cols = transpose ? matrix.GetLength(0) : matrix.GetLength(1);
        ld = cols + pad;
        float[] stored = new float[((rows - 1) * ld) + cols];
        Array.Fill(stored, float.NaN);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                stored[(r * ld) + j] = transpose ? matrix[j, r] : matrix[r, j];
            }
        }

        return stored;
    }
}
