// GemmCheck: the one property every GEMM test reduces to. Build the case's matrices, run the
// implementation under test and NaiveGemm on the same inputs, and compare (GemmAssert).
// The call never sees the case's arrays themselves: Call copies each operand into the middle of a
// larger array whose margins hold NaN (A, B) or GemmTestMatrices.PaddingSentinel (C), so a read before
// the start or past the end of an operand that reaches a result makes it NaN, and a write there shows
// in C's margins. (A read past the end of a plain array would see whatever the heap holds next, often
// zeros that change nothing.) Together with the NaN padding between rows, every element outside the
// stated region of A and B is NaN.
namespace FastMlp.Tests.Infrastructure;

internal static class GemmCheck
{
    /// <summary>Poisoned floats on each side of every operand: more than a 512-bit kernel's two registers of a B row.</summary>
    private const int Margin = 64;

    /// <summary>The implementation agrees with NaiveGemm on the case and leaves the padding of C alone.</summary>
    /// <param name="implementation">Names the implementation in a failure message.</param>
    public static void MatchesNaive(GemmTestCase t, GemmCall call, string implementation)
    {
        var x = GemmTestMatrices.Create(t);
        float[] want = x.Expected();
        Call(x, call, implementation);
        GemmAssert.MatchesExpected(x, want, implementation);
    }

    /// <summary>
    /// Runs the case's product on poison-surrounded copies of its operands (file header), writes the result into
    /// <c>x.C</c> and fails if anything outside C's stored region was written.
    /// </summary>
    public static void Call(GemmTestMatrices x, GemmCall call, string implementation)
    {
        GemmTestCase t = x.Case;
        float[] a = Surrounded(x.A, float.NaN), b = Surrounded(x.B, float.NaN), c = Surrounded(x.C, GemmTestMatrices.PaddingSentinel);
        call(
            a.AsSpan(Margin, x.A.Length), t.Lda, t.TransposeA, b.AsSpan(Margin, x.B.Length), t.Ldb, t.TransposeB,
            c.AsSpan(Margin, x.C.Length), t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);
        c.AsSpan(Margin, x.C.Length).CopyTo(x.C);
        for (int i = 0; i < Margin; i++)
        {
            AssertSentinel(c[i], implementation, t, $"{Margin - i} before C's first");
            AssertSentinel(c[Margin + x.C.Length + i], implementation, t, $"{i + 1} past C's last");
        }
    }

    private static float[] Surrounded(float[] matrix, float poison)
    {
        float[] all = new float[Margin + matrix.Length + Margin];
        all.AsSpan().Fill(poison);
        matrix.CopyTo(all, Margin);
        return all;
    }

    private static void AssertSentinel(float value, string implementation, GemmTestCase t, string where)
    {
        if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(GemmTestMatrices.PaddingSentinel))
        {
            Assert.Fail($"{implementation}: the element {where} element was overwritten with {value}. Case: {t}");
        }
    }
}
