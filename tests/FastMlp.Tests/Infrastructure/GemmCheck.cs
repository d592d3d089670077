// GemmCheck: the one property every GEMM test reduces to. Build the case's matrices, run the
// implementation under test and NaiveGemm on the same inputs, and compare (GemmAssert).
namespace FastMlp.Tests.Infrastructure;

internal static class GemmCheck
{
    /// <summary>The implementation agrees with NaiveGemm on the case and leaves the padding of C alone.</summary>
    /// <param name="implementation">Names the implementation in a failure message.</param>
    public static void MatchesNaive(GemmTestCase t, GemmCall call, string implementation)
    {
        var x = GemmTestMatrices.Create(t);
        float[] want = x.Expected();
        call(x.A, t.Lda, t.TransposeA, x.B, t.Ldb, t.TransposeB, x.C, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);
        GemmAssert.MatchesExpected(x, want, implementation);
    }
}
