// GemmAssert: compares a computed C with NaiveGemm's, element by element, and checks that nothing
// outside the m×n region (the ldc padding between rows) was written. Small-integer cases must match
// exactly (== on floats, so +0 and -0 count as equal: the sign of an exact zero depends on the
// summation order); uniform cases must lie within GemmTolerance. The first mismatch fails with the
// case, the element, both values and the bound.
using System.Globalization;

namespace FastMlp.Tests.Infrastructure;

internal static class GemmAssert
{
    public static void MatchesExpected(GemmTestMatrices x, float[] want, string implementation)
    {
        GemmTestCase t = x.Case;
        float[] got = x.C;
        Assert.Equal(want.Length, got.Length);
        for (int index = 0; index < got.Length; index++)
        {
            int i = index / t.Ldc, j = index % t.Ldc;
            if (j >= t.N)
            {
                // Padding between rows of C: the call must not have touched it, not even to rewrite it.
                if (BitConverter.SingleToInt32Bits(got[index]) != BitConverter.SingleToInt32Bits(x.InitialC[index]))
                {
                    Assert.Fail(Describe(implementation, t, $"padding element C[{i}, {j}] (ldc = {t.Ldc}) was overwritten with {Show(got[index])}"));
                }

                continue;
            }

            if (t.Data == GemmData.SmallIntegers)
            {
                if (!(got[index] == want[index]))
                {
                    Assert.Fail(Describe(implementation, t, $"C[{i}, {j}] = {Show(got[index])}, expected exactly {Show(want[index])}"));
                }
            }
            else
            {
                double bound = GemmTolerance.Bound(x, i, j);
                double error = Math.Abs((double)got[index] - want[index]);
                if (!(error <= bound))
                {
                    Assert.Fail(Describe(implementation, t, $"C[{i}, {j}] = {Show(got[index])}, expected {Show(want[index])} within {bound:R} (error {error:R})"));
                }
            }
        }
    }

    /// <summary>The whole array, bit for bit (NaN payloads and signed zeros included).</summary>
    public static void BitIdentical(float[] want, float[] got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int index = 0; index < got.Length; index++)
        {
            if (BitConverter.SingleToInt32Bits(got[index]) != BitConverter.SingleToInt32Bits(want[index]))
            {
                Assert.Fail($"{what}: element {index} is {Show(got[index])}, expected {Show(want[index])} bit for bit.");
            }
        }
    }

    private static string Describe(string implementation, GemmTestCase t, string what) => $"{implementation}: {what}. Case: {t}";

    private static string Show(float value) =>
        value.ToString("R", CultureInfo.InvariantCulture) + " (0x" + BitConverter.SingleToUInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture) + ")";
}
