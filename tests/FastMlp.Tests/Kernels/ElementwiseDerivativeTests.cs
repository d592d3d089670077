// ElementwiseDerivativeTests: each activation's derivative operator, run in place by the generic driver
// Elementwise.MultiplyDerivative<TOp>(y, dy), against the scalar formula of its summary, for every
// length 0..256 (every Vector512/Vector256 body and scalar tail), starting at element 0 and at element
// 1 (unaligned), with a sentinel after the end that must survive. The vector lanes do the same IEEE
// float operations as the scalar formula (no FMA contraction), so results are compared bit for bit
// (any NaN matching any NaN). The dispatching overload is checked to pick the same operator.
using System.Globalization;

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
        AssertMatchesScalar<GeluOperator>(null, GeluOperator.Derivative, spread: 24);

    [Fact]
    public void Silu_vector_lanes_give_the_bits_of_the_scalar_dy_times_slope_at_x() =>
        AssertMatchesScalar<SiluOperator>(null, SiluOperator.Derivative, spread: 24);

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
