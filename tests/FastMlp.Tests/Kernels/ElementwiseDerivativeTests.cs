// ElementwiseDerivativeTests: each activation's derivative operator, run in place by the generic driver
// Elementwise.MultiplyDerivative<TOp>(y, dy), against the scalar formula of its summary, for every
// length 0..256 (every Vector512/Vector256 body and scalar tail), starting at element 0 and at element
// 1 (unaligned), with a sentinel after the end that must survive. The vector lanes do the same IEEE
// float operations as the scalar formula (no FMA contraction), so results are compared bit for bit
// (any NaN matching any NaN). The dispatching overload is checked to pick the same operator. GELU's and SiLU's
// derivatives take the pre-activation x: their lanes must give the bits of the scalar Derivative, their slopes are
// held to the measured accuracy against NaiveMlp.Derivative (ActivationAccuracy), and at ±∞, ±1e30, NaN, ±0 and
// subnormals they must give dy·1, dy·0, NaN and dy/2.
using System.Globalization;

using FastMlp.Reference;

namespace FastMlp.Tests.Kernels;

public sealed class ElementwiseDerivativeTests
{
    private const int MaxLength = 256;
    private const float Sentinel = 123.25f;

    /// <summary>y values that exercise every branch: interior values, 0, −0, 1, negatives, tiny and huge ones, NaN.</summary>
    private static readonly float[] s_special = [0f, -0f, 1f, -1f, 0.5f, 1e-30f, -1e-30f, 3e38f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon];

    [Fact]
    public void Identity_passes_dy_through() =>
        AssertMatchesScalar<IdentityOperator>(Activation.Identity, (y, dy) => dy);

    [Fact]
    public void Sigmoid_is_dy_times_y_times_one_minus_y() =>
        AssertMatchesScalar<SigmoidOperator>(Activation.Sigmoid, (y, dy) => dy * (y * (1f - y)));

    [Fact]
    public void Tanh_is_dy_times_one_minus_y_squared() =>
        AssertMatchesScalar<TanhOperator>(Activation.Tanh, (y, dy) => dy * (1f - (y * y)));

    [Fact]
    public void Relu_is_dy_where_y_is_positive_else_zero() =>
        AssertMatchesScalar<ReluOperator>(Activation.Relu, (y, dy) => y > 0f ? dy : 0f);

    [Fact]
    public void LeakyRelu_is_dy_where_y_is_positive_else_a_hundredth_of_it() =>
        AssertMatchesScalar<LeakyReluOperator>(Activation.LeakyRelu, (y, dy) => y > 0f ? dy : dy * 0.01f);

    [Fact]
    public void Gelu_vector_lanes_give_the_bits_of_the_scalar_dy_times_slope_at_x() =>
        AssertMatchesScalar<GeluOperator>(Activation.Gelu, GeluOperator.Derivative, spread: 24);

    [Fact]
    public void Silu_vector_lanes_give_the_bits_of_the_scalar_dy_times_slope_at_x() =>
        AssertMatchesScalar<SiluOperator>(Activation.Silu, SiluOperator.Derivative, spread: 24);

    [Fact]
    public void Gelu_slope_is_within_2_5e_7_absolute_and_8_ulps_away_from_its_root()
    {
        // Measured: 2.10e-7 absolute (at x = 0.082; 2.24e-7 in a sweep of every 1e-5), 7.44 ulps (at x = −0.326) for
        // x ≥ −12 outside 0.25 of the root x ≈ −0.7518, where f' is formed by cancellation and only the absolute bound
        // means anything (1.18 ulps for x ≥ 1).
        ActivationAccuracy.Assert("GELU'", x => GeluOperator.Derivative(x, 1f), z => NaiveMlp.Derivative(NaiveActivation.Gelu, z), 2.5e-7, _ => true, 8, (x, _) => x >= -12 && Math.Abs(x + 0.7518) >= 0.25);
    }

    [Fact]
    public void Silu_slope_is_within_2_5e_7_absolute_and_10_ulps_away_from_its_root()
    {
        // Measured: 2.21e-7 absolute (at x = 3.11; 2.36e-7 in a sweep of every 1e-5), 9.86 ulps (at x = −1.64) for
        // x ≥ −87 outside 0.25 of the root x ≈ −1.2785 (3.59 ulps on (−1, 1), 3.18 for x ≥ 1).
        ActivationAccuracy.Assert("SiLU'", x => SiluOperator.Derivative(x, 1f), z => NaiveMlp.Derivative(NaiveActivation.Silu, z), 2.5e-7, _ => true, 10, (x, _) => x >= -87 && Math.Abs(x + 1.2785) >= 0.25);
    }

    [Fact]
    public void Gelu_and_silu_slopes_are_one_and_zero_at_the_infinities_nan_for_nan_and_a_half_at_zero_in_every_lane()
    {
        AssertSpecialSlopes<GeluOperator>();
        AssertSpecialSlopes<SiluOperator>();
    }

    /// <summary>dy·f'(x) with dy = 3 for the special x through the generic driver, so every vector lane and the tail see each.</summary>
    private static void AssertSpecialSlopes<TOp>()
        where TOp : struct, IActivationOperator
    {
        (float X, float Want)[] cases =
        [
            (float.PositiveInfinity, 3f), (1e30f, 3f), (3.4e38f, 3f), (float.NegativeInfinity, 0f), (-1e30f, 0f), (-3.4e38f, 0f),
            (float.NaN, float.NaN), (0f, 1.5f), (-0f, 1.5f), (float.Epsilon, 1.5f), (-1e-40f, 1.5f),
        ];
        for (int n = 1; n <= 40; n++)
        {
            float[] x = [.. Enumerable.Range(0, n).Select(i => cases[i % cases.Length].X)], dy = [.. Enumerable.Repeat(3f, n)];
            Elementwise.MultiplyDerivative<TOp>(x, dy);
            for (int i = 0; i < n; i++)
            {
                (float at, float want) = cases[i % cases.Length];
                bool ok = float.IsNaN(want) ? float.IsNaN(dy[i]) : dy[i] == want;   // 0 or −0 both fine for dy·0
                Assert.True(ok, $"{typeof(TOp).Name}, n {n}, element {i}: 3·f'({Show(at)}) = {Show(dy[i])}, expected {Show(want)}.");
            }
        }
    }

    /// <summary>
    /// Every length, start 0 and 1. The first argument (y, or x for GELU and SiLU) is drawn from
    /// [−0.3·spread, 0.7·spread) and the specials; <paramref name="activation"/> null: no dispatching overload.
    /// </summary>
    private static void AssertMatchesScalar<TOp>(Activation? activation, Func<float, float, float> formula, double spread = 2.5)
        where TOp : struct, IActivationOperator
    {
        var random = new Random(17);
        foreach (int start in new[] { 0, 1 })
        {
            for (int n = 0; n <= MaxLength; n++)
            {
                float[] y = new float[start + n + 1], dy = new float[start + n + 1];
                for (int i = start; i < start + n; i++)
                {
                    y[i] = random.Next(8) == 0 ? s_special[random.Next(s_special.Length)] : (float)((random.NextDouble() - 0.3) * spread);
                    dy[i] = random.Next(16) == 0 ? s_special[random.Next(s_special.Length)] : (float)((random.NextDouble() * 4) - 2);
                }

                dy[start + n] = Sentinel;
                float[] original = (float[])dy.Clone(), viaDispatch = (float[])dy.Clone();

                Elementwise.MultiplyDerivative<TOp>(y.AsSpan(start, n), dy.AsSpan(start, n));
                if (activation is Activation dispatched)
                {
                    Elementwise.MultiplyDerivative(dispatched, y.AsSpan(start, n), viaDispatch.AsSpan(start, n), Math.Max(n, 1));
                }
                else
                {
                    Elementwise.MultiplyDerivative<TOp>(y.AsSpan(start, n), viaDispatch.AsSpan(start, n));
                }

                for (int i = start; i < start + n; i++)
                {
                    float want = formula(y[i], original[i]);
                    if (!Same(want, dy[i]) || !Same(want, viaDispatch[i]))
                    {
                        Assert.Fail($"{activation?.ToString() ?? typeof(TOp).Name}, length {n}, start {start}, element {i - start}: y = {Show(y[i])}, dy = {Show(original[i])}: "
                            + $"got {Show(dy[i])} (generic driver) and {Show(viaDispatch[i])} (dispatching overload), expected {Show(want)}.");
                    }
                }

                Assert.Equal(Sentinel, dy[start + n]);
                Assert.Equal(Sentinel, viaDispatch[start + n]);
            }
        }
    }

    private static bool Same(float want, float got) =>
        (float.IsNaN(want) && float.IsNaN(got)) || BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(got);

    private static string Show(float x) => x.ToString("R", CultureInfo.InvariantCulture);
}
