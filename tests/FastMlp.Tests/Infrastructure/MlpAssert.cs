// MlpAssert: element-by-element comparisons of FastMlp's float results with NaiveMlp's double ones
// within per-element bounds (MlpErrorBound), and bit-for-bit comparisons of float arrays. A failure
// names what was compared, the element, both values, the bound and the case. NaN never passes.
using System.Globalization;

namespace FastMlp.Tests.Infrastructure;

internal static class MlpAssert
{
    /// <summary>|got[i] − want[i]| ≤ bound[i] for every i.</summary>
    public static void Within(string what, ReadOnlySpan<float> got, ReadOnlySpan<double> want, ReadOnlySpan<double> bound, object testCase)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            Within(what, i, got[i], want[i], bound[i], testCase);
        }
    }

    /// <summary>|got − want| ≤ bound.</summary>
    public static void Within(string what, int index, float got, double want, double bound, object testCase) =>
        Within(what, index, got, isFloat: true, want, bound, testCase);

    /// <summary>|got − want| ≤ bound, for a double result (one reference against another).</summary>
    public static void Within(string what, int index, double got, double want, double bound, object testCase) =>
        Within(what, index, got, isFloat: false, want, bound, testCase);

    /// <summary>Every element bit for bit (signed zeros and NaN payloads included).</summary>
    public static void BitIdentical(ReadOnlySpan<float> want, ReadOnlySpan<float> got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(got[i]) != BitConverter.SingleToInt32Bits(want[i]))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: element {i} is {got[i]:R} (0x{BitConverter.SingleToUInt32Bits(got[i]):X8}), expected {want[i]:R} (0x{BitConverter.SingleToUInt32Bits(want[i]):X8}) bit for bit."));
            }
        }
    }

    /// <param name="isFloat">got is a float widened to double: it is printed as a float (shortest round trip).</param>
    private static void Within(string what, int index, double got, bool isFloat, double want, double bound, object testCase)
    {
        double error = Math.Abs(got - want);
        if (!(error <= bound))
        {
            Assert.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"{what}[{index}] = {(isFloat ? ((float)got).ToString("R", CultureInfo.InvariantCulture) : got.ToString("R", CultureInfo.InvariantCulture))}, expected {want:R} within {bound:R} (error {error:R}, {error / bound:G3}× the bound). Case: {testCase}"));
        }
    }
}
