// PortableMath: ln x and cos 2πu with the same bits on every machine. Math.Log and Math.Cos come from
// the platform's math library, whose last bits differ between libraries and versions; these use only
// IEEE 754 basic operations (+, −, ×, ÷, correctly rounded everywhere) and exact bit manipulation, in
// a fixed order. C# never contracts a · b + c into a fused multiply-add, and .NET evaluates double in
// double (SSE2/NEON, no x87 extended precision), so every step rounds the same way on every platform.
// The polynomials are fdlibm's (Sun Microsystems 1993, e_log.c, k_sin.c, k_cos.c): minimax fits whose
// error stays under 1 ulp; the constants are written as their bit patterns so no decimal parsing is involved.
using System.Diagnostics;

namespace FastMlp;

internal static class PortableMath
{
    // ln 2 split so that k · Ln2Hi is exact for |k| < 2^11 (Ln2Hi has 32 significant bits).
    private static readonly double s_ln2Hi = BitConverter.UInt64BitsToDouble(0x3FE62E42FEE00000);   // 6.93147180369123816490e-01
    private static readonly double s_ln2Lo = BitConverter.UInt64BitsToDouble(0x3DEA39EF35793C76);   // 1.90821492927058770002e-10

    // ln((1 + s) / (1 − s)) = 2s + s·R(s²), R(z) = Lg1·z + Lg2·z² + ... + Lg7·z⁷ on |s| ≤ 0.1716.
    private static readonly double s_lg1 = BitConverter.UInt64BitsToDouble(0x3FE5555555555593);     // 6.666666666666735130e-01
    private static readonly double s_lg2 = BitConverter.UInt64BitsToDouble(0x3FD999999997FA04);     // 3.999999999940941908e-01
    private static readonly double s_lg3 = BitConverter.UInt64BitsToDouble(0x3FD2492494229359);     // 2.857142874366239149e-01
    private static readonly double s_lg4 = BitConverter.UInt64BitsToDouble(0x3FCC71C51D8E78AF);     // 2.222219843214978396e-01
    private static readonly double s_lg5 = BitConverter.UInt64BitsToDouble(0x3FC7466496CB03DE);     // 1.818357216161805012e-01
    private static readonly double s_lg6 = BitConverter.UInt64BitsToDouble(0x3FC39A09D078C69F);     // 1.531383769920937332e-01
    private static readonly double s_lg7 = BitConverter.UInt64BitsToDouble(0x3FC2F112DF3E5244);     // 1.479819860511658591e-01

    // sin x = x + S1·x³ + ... + S6·x¹³ on |x| ≤ π/4.
    private static readonly double s_s1 = BitConverter.UInt64BitsToDouble(0xBFC5555555555549);      // -1.66666666666666324348e-01
    private static readonly double s_s2 = BitConverter.UInt64BitsToDouble(0x3F8111111110F8A6);      // 8.33333333332248946124e-03
    private static readonly double s_s3 = BitConverter.UInt64BitsToDouble(0xBF2A01A019C161D5);      // -1.98412698298579493134e-04
    private static readonly double s_s4 = BitConverter.UInt64BitsToDouble(0x3EC71DE357B1FE7D);      // 2.75573137070700676789e-06
    private static readonly double s_s5 = BitConverter.UInt64BitsToDouble(0xBE5AE5E68A2B9CEB);      // -2.50507602534068634195e-08
    private static readonly double s_s6 = BitConverter.UInt64BitsToDouble(0x3DE5D93A5ACFD57C);      // 1.58969099521155010221e-10

    // cos x = 1 − x²/2 + C1·x⁴ + ... + C6·x¹⁴ on |x| ≤ π/4.
    private static readonly double s_c1 = BitConverter.UInt64BitsToDouble(0x3FA555555555554C);      // 4.16666666666666019037e-02
    private static readonly double s_c2 = BitConverter.UInt64BitsToDouble(0xBF56C16C16C15177);      // -1.38888888888741095749e-03
    private static readonly double s_c3 = BitConverter.UInt64BitsToDouble(0x3EFA01A019CB1590);      // 2.48015872894767294178e-05
    private static readonly double s_c4 = BitConverter.UInt64BitsToDouble(0xBE927E4F809C52AD);      // -2.75573143513906633035e-07
    private static readonly double s_c5 = BitConverter.UInt64BitsToDouble(0x3E21EE9EBDB4B1C4);      // 2.08757232129817482790e-09
    private static readonly double s_c6 = BitConverter.UInt64BitsToDouble(0xBDA8FAE9BE8838D4);      // -1.13596475577881948265e-11

    /// <summary>π / 2 rounded to double.</summary>
    private static readonly double s_halfPi = BitConverter.UInt64BitsToDouble(0x3FF921FB54442D18);

    /// <summary>ln x for a positive, normal, finite x (the initializer passes 1 − u, u in [0, 1) on a 2^−53 grid).</summary>
    public static double Log(double x)
    {
        Debug.Assert(double.IsNormal(x) && x > 0, "Log takes positive normal numbers only");

        // x = 2^k · m with m in [√2/2, √2): shift the exponent field so that m's high word lands in that range.
        ulong bits = BitConverter.DoubleToUInt64Bits(x);
        uint high = (uint)(bits >> 32) + (0x3FF00000 - 0x3FE6A09E);
        int k = (int)(high >> 20) - 0x3FF;
        high = (high & 0x000FFFFF) + 0x3FE6A09E;
        double m = BitConverter.UInt64BitsToDouble(((ulong)high << 32) | (bits & 0xFFFFFFFF));

        // ln m = ln(1 + f) = 2s + s·R(s²), s = f / (2 + f); written as f − f²/2 + s·(f²/2 + R) to keep the error small.
        double f = m - 1.0;
        double halfSquare = 0.5 * f * f;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double odd = w * (s_lg2 + (w * (s_lg4 + (w * s_lg6))));
        double even = z * (s_lg1 + (w * (s_lg3 + (w * (s_lg5 + (w * s_lg7))))));
        double r = even + odd;
        double dk = k;
        return (s * (halfSquare + r)) + (dk * s_ln2Lo) - halfSquare + f + (dk * s_ln2Hi);
    }

    /// <summary>cos 2πu for u in [0, 1): the angle is reduced exactly in u, so no 2π·u product rounds away the quadrant.</summary>
    public static double CosTwoPi(double u)
    {
        Debug.Assert(u is >= 0 and < 1, "CosTwoPi takes u in [0, 1)");

        // 2πu = (π/2)·(q + r): q = round(4u), r = 4u − q in [−1/2, 1/2], both exact (4u is a power-of-two scaling).
        double quarter = 4 * u;
        double q = Math.Round(quarter, MidpointRounding.ToEven);
        double x = (quarter - q) * s_halfPi;
        return ((int)q & 3) switch
        {
            0 => Cos(x),
            1 => -Sin(x),
            2 => -Cos(x),
            _ => Sin(x),
        };
    }

    /// <summary>sin x for |x| ≤ π/4 (fdlibm __kernel_sin with no tail).</summary>
    private static double Sin(double x)
    {
        double z = x * x;
        double w = z * z;
        double r = s_s2 + (z * (s_s3 + (z * s_s4))) + (z * w * (s_s5 + (z * s_s6)));
        return x + (z * x * (s_s1 + (z * r)));
    }

    /// <summary>cos x for |x| ≤ π/4 (fdlibm __kernel_cos with no tail): 1 − x²/2 is formed with its rounding error recovered.</summary>
    private static double Cos(double x)
    {
        double z = x * x;
        double w = z * z;
        double r = (z * (s_c1 + (z * (s_c2 + (z * s_c3))))) + (w * w * (s_c4 + (z * (s_c5 + (z * s_c6)))));
        double half = 0.5 * z;
        double head = 1.0 - half;
        return head + (((1.0 - head) - half) + (z * r));
    }
}
