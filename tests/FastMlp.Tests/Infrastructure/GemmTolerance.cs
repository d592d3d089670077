// GemmTolerance: how far a float GEMM result may lie from NaiveGemm's, derived rather than guessed.
//
// Let E = alpha · Σ_p a_p·b_p + beta · c be the exact value and S = |alpha| · Σ_p |a_p·b_p| + |beta·c|.
// Any float evaluation of E is a tree of roundings over the k + 1 terms (k products, beta·c), and each
// term passes through at most k + 3 of them on its way to the result: its own product, alpha applied
// to it or to a partial sum holding it, beta applied to c, and at most k additions (within and across
// KC blocks), in any order. By the standard bound for floating-point sums and dot products (Higham,
// Accuracy and Stability of Numerical Algorithms, sections 3.1 and 4.2)
//     |got − E| ≤ γ(k + 3) · S,   γ(n) = n·u / (1 − n·u),   u = 2^-24.
// Holding for every summation order, it covers the KC split, FMA or not, and vector lane order.
// NaiveGemm accumulates in double (error ~2^-53·k·S, negligible) and rounds once: |want − E| ≤ u·|E| ≤ u·S.
// Hence |got − want| ≤ (γ(k + 3) + u) · S ≤ γ(k + 4) · S. Underflow adds at most 2^-150 per rounding,
// so (k + 4)·2^-150 more (a formality with this data, whose products never reach the subnormals).
// A dropped or doubled term, a wrong element or beta applied twice moves a result by about S/k or
// more, about 2^24/k² times this bound (over 180 times at k = 300), so the bound hides no such bug.
namespace FastMlp.Tests.Infrastructure;

internal static class GemmTolerance
{
    private const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>γ(k + 4)·S + (k + 4)·2^-150 for element (i, j) of the case (see the file header).</summary>
    public static double Bound(GemmTestMatrices x, int i, int j)
    {
        GemmTestCase t = x.Case;
        double s = 0;
        if (t.Alpha != 0)
        {
            for (int p = 0; p < t.K; p++)
            {
                float aip = t.TransposeA ? x.A[(p * t.Lda) + i] : x.A[(i * t.Lda) + p];
                float bpj = t.TransposeB ? x.B[(j * t.Ldb) + p] : x.B[(p * t.Ldb) + j];
                s += Math.Abs((double)aip * bpj);
            }

            s *= Math.Abs((double)t.Alpha);
        }

        if (t.Beta != 0)
        {
            s += Math.Abs((double)t.Beta * x.InitialC[(i * t.Ldc) + j]);
        }

        double n = t.K + 4;
        double gamma = n * UnitRoundoff / (1 - (n * UnitRoundoff));
        return (gamma * s) + (n * Math.ScaleB(1.0, -150));
    }
}
