// SoftmaxTests: the row softmax and its Jacobian-vector product against double formulas, for every row
// length 1..256 and 1 or 3 rows, with logits spread over ±20 around offsets 0, +1000 and −1000 (where
// exp alone overflows or underflows: only a max-subtracted softmax survives). Tolerances are the
// first-order error analyses of the float computation (u = 2^-24, γ(n) = n·u/(1 − n·u)), doubled:
//   forward, r = z + b − max: y_j·(u·|r_j| + 4u + Σ_k y_k·(u·|r_k| + 4u) + γ(n) + 2u) + 2^-126
//     (shift rounding, exp within 4u, the sum of n exps, the division);
//   backward δ_j = y_j·(dy_j − dy·y): y_j·(γ(n)·Σ_k |dy_k·y_k| + u·|dy_j − dy·y|) + u·|δ_j|.
// Either is about n·u relative; a softmax without the max, a wrong sum or a missing term is off by far more.
using System.Globalization;

namespace FastMlp.Tests.Kernels;

public sealed class SoftmaxTests
{
    private const double U = 1.0 / (1 << 24);

    [Fact]
    public void Forward_matches_the_max_subtracted_double_softmax()
    {
        var random = new Random(29);
        foreach (float offset in new[] { 0f, 1000f, -1000f })
        {
            foreach (int rows in new[] { 1, 3 })
            {
                for (int n = 1; n <= 256; n++)
                {
                    float[] bias = new float[n], z = new float[(rows * n) + 1];
                    for (int j = 0; j < n; j++)
                    {
                        bias[j] = (float)((random.NextDouble() * 2) - 1);
                    }

                    for (int i = 0; i < rows * n; i++)
                    {
                        z[i] = offset + (float)((random.NextDouble() * 40) - 20);
                    }

                    z[^1] = float.NaN;   // sentinel
                    float[] s = new float[rows * n];
                    for (int i = 0; i < s.Length; i++)
                    {
                        s[i] = z[i] + bias[i % n];
                    }

                    Softmax.Forward(bias, z.AsSpan(0, rows * n), rows);
                    for (int r = 0; r < rows; r++)
                    {
                        AssertRow(s.AsSpan(r * n, n), z.AsSpan(r * n, n), $"offset {offset}, row {r} of {rows}, n {n}");
                    }

                    Assert.True(float.IsNaN(z[^1]), "The sentinel after the last row was overwritten.");
                }
            }
        }
    }

    [Fact]
    public void Rows_in_a_register_agree_with_the_span_loop_on_nan_and_infinities()
    {
        // NaN anywhere in a row, or +∞ (∞ − ∞ in the shift), makes the whole row NaN in both; −∞ lanes are exact
        // zeros; a row of only −∞ is NaN. Finite rows agree within the two sums' orders (2γ(n) relative).
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var random = new Random(37);
        foreach (int lanes in new[] { GemmLanes512.IsSupported ? GemmLanes512.Count : 0, GemmLanes256.IsSupported ? GemmLanes256.Count : 0 })
        {
            for (int n = 1; n <= lanes; n++)
            {
                const int rows = 8;
                float[] bias = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble())];
                float[] z = [.. Enumerable.Range(0, (rows * n) + 1).Select(_ => (float)((random.NextDouble() * 40) - 20))];
                for (int r = 1; r < rows; r++)
                {
                    z[(r * n) + random.Next(n)] = specials[r % 3];   // row 0 stays finite
                }

                Array.Fill(z, float.NegativeInfinity, (rows - 1) * n, n);   // the last row: only −∞
                z[^1] = float.NaN;   // sentinel
                float[] spans = (float[])z.Clone();
                Softmax.InSpans(bias, spans.AsSpan(0, rows * n), rows);
                if (lanes == GemmLanes512.Count)
                {
                    Softmax.InRegister<GemmLanes512, System.Runtime.Intrinsics.Vector512<float>>(bias, z.AsSpan(0, rows * n), rows);
                }
                else
                {
                    Softmax.InRegister<GemmLanes256, System.Runtime.Intrinsics.Vector256<float>>(bias, z.AsSpan(0, rows * n), rows);
                }

                for (int i = 0; i < rows * n; i++)
                {
                    Assert.True(
                        float.IsNaN(spans[i]) ? float.IsNaN(z[i]) : Math.Abs(z[i] - spans[i]) <= 2 * Gamma(n) * spans[i],
                        string.Create(CultureInfo.InvariantCulture, $"{lanes} lanes, n {n}, element {i}: in a register {z[i]:R}, the span loop {spans[i]:R}."));
                }

                Assert.True(float.IsNaN(z[^1]), "The sentinel after the last row was overwritten.");
            }
        }
    }

    [Fact]
    public void Backward_matches_the_double_jacobian_vector_product()
    {
        var random = new Random(31);
        for (int n = 1; n <= 256; n++)
        {
            double[] e = new double[n];
            for (int j = 0; j < n; j++)
            {
                e[j] = Math.Exp((random.NextDouble() * 8) - 4);
            }

            float[] y = [.. e.Select(v => (float)(v / e.Sum()))];
            float[] dy = new float[n + 1];
            for (int j = 0; j < n; j++)
            {
                dy[j] = (float)((random.NextDouble() * 2) - 1);
            }

            dy[n] = float.NaN;   // sentinel
            float[] original = (float[])dy.Clone();
            Softmax.Backward(y, dy.AsSpan(0, n));

            double dot = 0, magnitude = 0;
            for (int k = 0; k < n; k++)
            {
                dot += (double)original[k] * y[k];
                magnitude += Math.Abs((double)original[k] * y[k]);
            }

            for (int j = 0; j < n; j++)
            {
                double h = original[j] - dot, want = y[j] * h;
                double bound = 2 * ((y[j] * ((Gamma(n) * magnitude) + (U * Math.Abs(h)))) + (U * Math.Abs(want)));
                Assert.True(Math.Abs(dy[j] - want) <= bound, string.Create(CultureInfo.InvariantCulture, $"n {n}, element {j}: {dy[j]:R}, expected {want:R} within {bound:R}."));
            }

            Assert.True(float.IsNaN(dy[n]), "The sentinel after the row was overwritten.");
        }
    }

    private static void AssertRow(ReadOnlySpan<float> logits, ReadOnlySpan<float> got, string where)
    {
        int n = logits.Length;
        double max = double.NegativeInfinity, sum = 0, mix = 0;
        foreach (float s in logits)
        {
            max = Math.Max(max, s);
        }

        double[] want = new double[n];
        for (int j = 0; j < n; j++)
        {
            want[j] = Math.Exp(logits[j] - max);
            sum += want[j];
        }

        for (int j = 0; j < n; j++)
        {
            want[j] /= sum;
            mix += want[j] * ((U * Math.Abs(logits[j] - max)) + (4 * U));
        }

        for (int j = 0; j < n; j++)
        {
            double eps = (U * Math.Abs(logits[j] - max)) + (4 * U);
            double bound = (2 * want[j] * (eps + mix + Gamma(n) + (2 * U))) + Math.ScaleB(1.0, -126);
            if (!(Math.Abs(got[j] - want[j]) <= bound))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{where}, element {j}: softmax {got[j]:R}, expected {want[j]:R} within {bound:R}."));
            }
        }
    }

    private static double Gamma(int n) => n * U / (1 - (n * U));
}
