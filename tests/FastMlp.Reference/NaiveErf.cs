// NaiveErf: erf and erfc in double for GELU's reference (.NET has no Math.Erf), independent of the library's float
// approximation. |x| < 2: the series erf(x) = (2/√π)·e^(−x²)·Σ 2^n x^(2n+1)/(1·3·…·(2n+1)), whose terms are all
// positive (no cancellation: a few ulps); |x| ≥ 2: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
// evaluated backward from 80 terms (converged to a rounding at x = 2, more so beyond). erfc below 2 is 1 − erf
// (relative error up to 5e-14 near 2, where erfc ≈ 0.005), so erfc keeps its relative accuracy in the far tail
// that Φ(x) = ½·erfc(−x/√2) is for x ≪ 0.
namespace FastMlp.Reference;

/// <summary>The error function and its complement, in double.</summary>
public static class NaiveErf
{
    private const double Split = 2;
    private const int FractionTerms = 80;

    /// <summary>erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double a = Math.Abs(x);
        double value = a < Split ? Series(a) : 1 - Fraction(a);
        return x < 0 ? -value : value;
    }

    /// <summary>erfc(x) = 1 − erf(x), accurate relative to itself for large x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x >= Split)
        {
            return Fraction(x);
        }

        return x <= -Split ? 2 - Fraction(-x) : 1 - Erf(x);
    }

    /// <summary>erf(a) for 0 ≤ a &lt; 2 by the positive series.</summary>
    private static double Series(double a)
    {
        double term = a, sum = a;
        for (int n = 1; term > 1e-17 * sum; n++)
        {
            term *= 2 * a * a / ((2 * n) + 1);
            sum += term;
        }

        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
    }

    /// <summary>erfc(a) for a ≥ 2 by the continued fraction (0 for a = +∞).</summary>
    private static double Fraction(double a)
    {
        if (double.IsPositiveInfinity(a))
        {
            return 0;
        }

        double f = a;
        for (int k = FractionTerms; k >= 1; k--)
        {
            f = a + (k / 2.0 / f);
        }

        return Math.Exp(-a * a) / (Math.Sqrt(Math.PI) * f);
    }
}
