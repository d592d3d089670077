// PortableMathTests: the initializer's own logarithm and cosine (issue 9, item 11) are as accurate as the
// platform's. Differences are counted in ulps of the double result (adjacent doubles are 1 ulp apart):
//   - Log: within 1 ulp of Math.Log on 1 − u for 400,000 u on the initializer's 2^−53 grid (including
//     u near 0, where ln(1 − u) is tiny, and near 1), and on 200,000 positive normal doubles from every
//     binade and every power of two; exactly 0 at 1.
//   - CosTwoPi: within 1 ulp of Math.Cos or ±Math.Sin of the same reduced angle on 400,000 u, many next
//     to the zeros and the quadrant boundaries (a wrong quadrant or sign shows as a difference of about
//     2 in value); and within 2^−50 in value of Math.Cos(2π·u), whose own argument 2·Math.PI·u rounds by up
//     to 6.7e-16 (the reduced form avoids that rounding: it is exact in u).
// Each test reports the worst difference it found.
using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed class PortableMathTests(ITestOutputHelper output)
{
    private const double Grid = 1.0 / (1UL << 53);

    [Fact]
    public void Log_is_within_1_ulp_of_Math_Log()
    {
        var random = new Random(17);
        var inputs = new List<double>();
        for (int i = 0; i < 400_000; i++)
        {
            ulong k = (i % 4) switch
            {
                0 => (ulong)random.Next(0, 1 << 20),                                // u near 0: 1 − u near 1
                1 => (1UL << 53) - (ulong)random.Next(1, 1 << 20),                  // u near 1: 1 − u tiny
                _ => (ulong)random.NextInt64(0, 1L << 53),
            };
            inputs.Add(1 - (k * Grid));
        }

        for (int k = -1022; k <= 1023; k++)
        {
            inputs.Add(Math.ScaleB(1.0, k));
        }

        for (int i = 0; i < 200_000; i++)
        {
            ulong exponent = (ulong)random.Next(1, 2047);
            inputs.Add(BitConverter.UInt64BitsToDouble((exponent << 52) | ((ulong)random.NextInt64() & ((1UL << 52) - 1))));
        }

        long worst = 0;
        foreach (double x in inputs)
        {
            long apart = UlpsApart(PortableMath.Log(x), Math.Log(x));
            worst = Math.Max(worst, apart);
            Assert.True(apart <= 1, $"Log({x:R}) = {PortableMath.Log(x):R}, Math.Log gives {Math.Log(x):R}: {apart} ulps apart.");
        }

        output.WriteLine($"Log: worst difference from Math.Log over {inputs.Count} inputs: {worst} ulp");
        Assert.Equal(0.0, PortableMath.Log(1.0));
    }

    [Fact]
    public void CosTwoPi_is_within_1_ulp_of_the_platform_on_the_same_reduced_angle()
    {
        long worst = 0;
        int count = 0;
        foreach (double u in Angles())
        {
            double quarter = 4 * u, q = Math.Round(quarter), x = (quarter - q) * (Math.PI / 2);
            double want = ((int)q & 3) switch { 0 => Math.Cos(x), 1 => -Math.Sin(x), 2 => -Math.Cos(x), _ => Math.Sin(x) };
            long apart = UlpsApart(PortableMath.CosTwoPi(u), want);
            worst = Math.Max(worst, apart);
            Assert.True(apart <= 1, $"CosTwoPi({u:R}) = {PortableMath.CosTwoPi(u):R}, the platform gives {want:R}: {apart} ulps apart.");
            count++;
        }

        output.WriteLine($"CosTwoPi: worst difference from Math.Cos/Math.Sin of the reduced angle over {count} inputs: {worst} ulp");
    }

    [Fact]
    public void CosTwoPi_is_within_2_to_the_minus_50_of_Math_Cos_of_2_pi_u()
    {
        double worst = 0;
        foreach (double u in Angles())
        {
            double difference = Math.Abs(PortableMath.CosTwoPi(u) - Math.Cos(2 * Math.PI * u));
            worst = Math.Max(worst, difference);
            Assert.True(difference <= Math.ScaleB(1.0, -50), $"CosTwoPi({u:R}) = {PortableMath.CosTwoPi(u):R}, Math.Cos(2π·u) = {Math.Cos(2 * Math.PI * u):R}.");
        }

        output.WriteLine($"CosTwoPi: worst difference from Math.Cos(2π·u): {worst:R} ({worst / Math.ScaleB(1.0, -53):F2} · 2^-53)");
        Assert.Equal(1.0, PortableMath.CosTwoPi(0));
        Assert.Equal(-1.0, PortableMath.CosTwoPi(0.5));
        Assert.Equal(0.0, PortableMath.CosTwoPi(0.25));
    }

    /// <summary>u on the 2^−53 grid: uniform, next to the zeros (1/4, 3/4), next to the octant boundaries (k/8), and near 0 and 1.</summary>
    private static IEnumerable<double> Angles()
    {
        var random = new Random(23);
        for (int i = 0; i < 400_000; i++)
        {
            long offset = random.Next(-(1 << 20), 1 << 20);
            yield return (i % 4) switch
            {
                0 => ((1L << 51) * (1 + (2 * random.Next(2))) + offset) * Grid,     // 1/4 or 3/4, ± up to 2^20 grid steps
                1 => Math.Clamp(((1L << 50) * random.Next(0, 9) + offset) * Grid, 0, 1 - Grid),
                _ => random.NextInt64(0, 1L << 53) * Grid,
            };
        }
    }

    /// <summary>How many doubles apart two finite values are (0 for equal, 1 for neighbours, across zero too).</summary>
    private static long UlpsApart(double a, double b) => Math.Abs(Ordered(a) - Ordered(b));

    private static long Ordered(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        return bits < 0 ? long.MinValue - bits : bits;
    }
}
