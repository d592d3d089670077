// ActivationAccuracy: a float activation (or slope) against its double twin (NaiveMlp) over the inputs the
// GELU/SiLU tests sweep (every 1e-4 of [−10, 10], random floats of [−20, 20] and [−100, 100], large magnitudes up
// to ±3.4e38), with an absolute bound and a bound in ulps of the double value where the value is a normal float.
// The worst case found is reported in the failure message, so a bound can be checked against the figures the
// operators' summaries state.
using System.Globalization;

namespace FastMlp.Tests.Kernels;

internal static class ActivationAccuracy
{
    private static readonly float[] s_inputs = Sweep();

    /// <summary>ulp of a normal float value v: the gap from |v| rounded to float up to the next float.</summary>
    public static double Ulp(double v)
    {
        float f = (float)Math.Abs(v);
        return MathF.BitIncrement(f) - f;
    }

    /// <summary>
    /// |fast(x) − reference(x)| ≤ <paramref name="absolute"/> wherever <paramref name="absoluteApplies"/>, and
    /// ≤ <paramref name="ulps"/>·ulp(reference(x)) where that value is at least 2^−126 and <paramref name="ulpsApply"/>.
    /// </summary>
    public static void Assert(string name, Func<float, float> fast, Func<double, double> reference, double absolute, Func<float, bool> absoluteApplies, double ulps, Func<float, double, bool> ulpsApply)
    {
        double worstAbsolute = 0, worstUlps = 0;
        float atAbsolute = 0, atUlps = 0;
        foreach (float x in s_inputs)
        {
            double want = reference(x), error = Math.Abs(fast(x) - want);
            if (absoluteApplies(x) && !(error <= worstAbsolute))
            {
                (worstAbsolute, atAbsolute) = (error, x);
            }

            if (Math.Abs(want) >= Math.ScaleB(1.0, -126) && ulpsApply(x, want) && !(error / Ulp(want) <= worstUlps))
            {
                (worstUlps, atUlps) = (error / Ulp(want), x);
            }
        }

        string report = string.Create(CultureInfo.InvariantCulture, $"{name}: worst absolute {worstAbsolute:E3} at x = {atAbsolute:R}, worst {worstUlps:F2} ulps at x = {atUlps:R}.");
        Xunit.Assert.True(worstAbsolute <= absolute && worstUlps <= ulps, report);
    }

    private static float[] Sweep()
    {
        var random = new Random(41);
        IEnumerable<float> dense = Enumerable.Range(0, 200_001).Select(i => (float)(-10 + (i * 1e-4)));
        IEnumerable<float> wide = Enumerable.Range(0, 20_000).Select(i => (float)((random.NextDouble() - 0.5) * (i % 2 == 0 ? 40 : 200)));
        float[] large = [1e5f, -1e5f, 1e10f, -1e10f, 1e30f, -1e30f, 3.4e38f, -3.4e38f, float.MaxValue, -float.MaxValue];
        return [.. dense.Concat(wide).Concat(large)];
    }
}
