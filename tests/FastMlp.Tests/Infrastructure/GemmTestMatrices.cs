// GemmTestMatrices: the A, B and C arrays of a GemmTestCase, each exactly as long as its shape and
// stride require ((rows − 1)·ld + cols, no tail after the last row), so a call on them ends exactly at
// each matrix (GemmCheck.Call puts poison past both ends). Elements that are not part of a matrix are
// poisoned:
//   - padding of A and B (between rows) holds NaN: reading it into a product makes the result NaN;
//   - padding of C holds PaddingSentinel: GemmAssert checks its bits are unchanged;
//   - C itself holds NaN when Beta == 0, since C must then never be read.
// The same case always yields the same matrices (System.Random with the case's seed).
using FastMlp.Reference;

namespace FastMlp.Tests.Infrastructure;

internal sealed class GemmTestMatrices
{
    /// <summary>A value no GEMM result here can produce, written between the rows of C.</summary>
    public const float PaddingSentinel = -7777.25f;

    private GemmTestMatrices(GemmTestCase testCase, float[] a, float[] b, float[] c)
    {
        Case = testCase;
        A = a;
        B = b;
        C = c;
        InitialC = (float[])c.Clone();
    }

    public GemmTestCase Case { get; }

    /// <summary>[RowsA, Lda] minus the last row's padding.</summary>
    public float[] A { get; }

    /// <summary>[RowsB, Ldb] minus the last row's padding.</summary>
    public float[] B { get; }

    /// <summary>[M, Ldc] minus the last row's padding; overwritten by the call under test.</summary>
    public float[] C { get; }

    /// <summary>C as it was before any call: the input to beta · C and the reference for the padding.</summary>
    public float[] InitialC { get; }

    /// <summary>Elements a rows×cols matrix with leading dimension ld occupies: none when it is empty.</summary>
    public static int StoredLength(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : ((rows - 1) * ld) + cols;

    public static GemmTestMatrices Create(GemmTestCase testCase)
    {
        var random = new Random(testCase.Seed);
        float[] a = Fill(random, testCase.Data, testCase.RowsA, testCase.ColumnsA, testCase.Lda, float.NaN, poisonMatrix: false);
        float[] b = Fill(random, testCase.Data, testCase.RowsB, testCase.ColumnsB, testCase.Ldb, float.NaN, poisonMatrix: false);
        float[] c = Fill(random, testCase.Data, testCase.M, testCase.N, testCase.Ldc, PaddingSentinel, poisonMatrix: testCase.Beta == 0);
        return new GemmTestMatrices(testCase, a, b, c);
    }

    /// <summary>The result NaiveGemm gives for this case, from the initial C.</summary>
    public float[] Expected()
    {
        float[] want = (float[])InitialC.Clone();
        GemmTestCase t = Case;
        NaiveGemm.Multiply(A, t.Lda, t.TransposeA, B, t.Ldb, t.TransposeB, want, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta);
        return want;
    }

    /// <summary>One value of the case's data kind.</summary>
    public static float Next(Random random, GemmData data) =>
        data == GemmData.SmallIntegers ? random.Next(-3, 4) : (random.NextSingle() * 2f) - 1f;

    private static float[] Fill(Random random, GemmData data, int rows, int cols, int ld, float padding, bool poisonMatrix)
    {
        float[] x = new float[StoredLength(rows, cols, ld)];
        x.AsSpan().Fill(padding);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                x[(r * ld) + j] = poisonMatrix ? float.NaN : Next(random, data);
            }
        }

        return x;
    }
}
