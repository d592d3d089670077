// ElementwiseForwardTests: each activation's fused forward operator, z ← f(z + b) row by row through
// Elementwise.Forward<TOp>(bias, z, rows), for every row length 0..256 (all vector tails), 1 and 3 rows,
// starting at element 0 and 1, in place, with a sentinel after the end that must survive. The bias
// add is one float addition, so identity, relu and leaky relu must equal the scalar float formula exactly; sigmoid
// and tanh (System.Numerics.Tensors kernels) are compared with the double function of the same float
// z + b within their accuracy, measured at ≤ 3.7u relative (sigmoid) and ≤ 2.5u absolute (tanh) and
// allowed 8u and 4u·(1 + |y|) (u = 2^-24). The dispatching overload must give the same bits.
using System.Globalization;

namespace FastMlp.Tests.Kernels;

public sealed class ElementwiseForwardTests
{
    private const int MaxLength = 256;
    private const float Sentinel = -321.5f;
    private const double U = 1.0 / (1 << 24);

    [Fact]
    public void Identity_adds_the_bias() =>
        AssertMatches<IdentityOperator>(Activation.Identity, (s, got) => got == s);

    [Fact]
    public void Relu_is_max_of_z_plus_b_and_zero() =>
        AssertMatches<ReluOperator>(Activation.Relu, (s, got) => got == MathF.Max(s, 0f));

    [Fact]
    public void LeakyRelu_is_z_plus_b_or_a_hundredth_of_it() =>
        AssertMatches<LeakyReluOperator>(Activation.LeakyRelu, (s, got) => got == (s > 0f ? s : s * 0.01f));

    [Fact]
    public void LeakyRelu_keeps_nan_infinities_and_the_sign_of_zero_and_is_within_a_rounding_of_the_double_function()
    {
        // Within one rounding, or one subnormal step where 0.01·x underflows.
        float[] specials = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, -1e-45f, 3f, -3e38f, -7.25f];
        for (int n = 1; n <= 40; n++)
        {
            float[] z = [.. Enumerable.Range(0, n).Select(i => specials[i % specials.Length])];
            float[] bias = new float[n];
            float[] source = (float[])z.Clone();
            LeakyReluOperator.Forward(bias, z);
            for (int i = 0; i < n; i++)
            {
                double x = source[i] + bias[i], want = x > 0 ? x : 0.01 * x;   // −0 + 0 is +0
                string where = string.Create(CultureInfo.InvariantCulture, $"n {n}, element {i}: f({x:R}) = {z[i]:R}, double {want:R}");
                Assert.True(double.IsNaN(want) ? float.IsNaN(z[i]) : (z[i] == want || Math.Abs(z[i] - want) <= (2 * U * Math.Abs(want)) + float.Epsilon), where);
                Assert.True(float.IsNaN(z[i]) || float.IsNegative(z[i]) == (double.IsNegative(want) || (x < 0 && z[i] == 0)), where);
            }
        }
    }

    [Fact]
    public void Relu_keeps_nan_and_infinities_and_signs_zero_as_max_does()
    {
        // Every lane position of the 512-bit, 256-bit and scalar loops meets each special value: the bits must be
        // MathF.Max's (NaN stays NaN, max(−0, 0) is +0), as TensorPrimitives.Max gave before the fused pass.
        float[] specials = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, -1e-45f, 3f];
        for (int n = 1; n <= 40; n++)
        {
            float[] z = [.. Enumerable.Range(0, n).Select(i => specials[i % specials.Length])];
            float[] bias = [.. Enumerable.Range(0, n).Select(i => i % 3 == 0 ? -0f : 0f)];
            float[] want = [.. z.Select((v, i) => MathF.Max(v + bias[i], 0f))];
            ReluOperator.Forward(bias, z);
            for (int i = 0; i < n; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(z[i]) == BitConverter.SingleToInt32Bits(want[i]) || (float.IsNaN(z[i]) && float.IsNaN(want[i])), string.Create(CultureInfo.InvariantCulture, $"n {n}, element {i}: {z[i]:R}, MathF.Max gives {want[i]:R}."));
            }
        }
    }

    [Fact]
    public void Sigmoid_is_within_8_ulp_of_the_double_function() =>
        AssertMatches<SigmoidOperator>(Activation.Sigmoid, (s, got) =>
        {
            double want = 1 / (1 + Math.Exp(-(double)s));
            return Math.Abs(got - want) <= (8 * U * want) + Math.ScaleB(1.0, -126);
        });

    [Fact]
    public void Tanh_is_within_4_ulp_of_the_double_function() =>
        AssertMatches<TanhOperator>(Activation.Tanh, (s, got) =>
        {
            double want = Math.Tanh(s);
            return Math.Abs(got - want) <= 4 * U * (1 + Math.Abs(want));
        });

    [Fact]
    public void Gelu_vector_lanes_give_the_bits_of_the_scalar_form() =>
        AssertMatches<GeluOperator>(null, (s, got) => SameBits(got, GeluOperator.Activate(s)));

    [Fact]
    public void Silu_vector_lanes_give_the_bits_of_the_scalar_form() =>
        AssertMatches<SiluOperator>(null, (s, got) => SameBits(got, SiluOperator.Activate(s)));

    [Fact]
    public void Forward_saving_input_writes_z_plus_b_and_the_bits_of_forward()
    {
        AssertSavesInput<GeluOperator>();
        AssertSavesInput<SiluOperator>();
        AssertSavesInput<TanhOperator>();
        AssertSavesInput<SigmoidOperator>();
        AssertSavesInput<ReluOperator>();
    }

    private static bool SameBits(float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));

    private static void AssertSavesInput<TOp>()
        where TOp : struct, IActivationOperator
    {
        var random = new Random(29);
        foreach (int rows in new[] { 1, 3 })
        {
            for (int n = 0; n <= MaxLength; n++)
            {
                float[] bias = [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
                float[] z = [.. Enumerable.Range(0, (rows * n) + 1).Select(_ => (float)((random.NextDouble() * 24) - 12))];
                float[] pre = [.. Enumerable.Repeat(Sentinel, (rows * n) + 1)];
                z[^1] = Sentinel;
                float[] original = (float[])z.Clone(), viaForward = (float[])z.Clone();
                Elementwise.ForwardSavingInput<TOp>(bias, z.AsSpan(0, rows * n), pre.AsSpan(0, rows * n), rows);
                Elementwise.Forward<TOp>(bias, viaForward.AsSpan(0, rows * n), rows);
                for (int i = 0; i < rows * n; i++)
                {
                    if (!SameBits(z[i], viaForward[i]) || !SameBits(pre[i], original[i] + bias[i % n]))
                    {
                        Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{typeof(TOp).Name}, {rows} rows of {n}, element {i}: z {z[i]:R} (Forward {viaForward[i]:R}), pre {pre[i]:R} (z + b {original[i] + bias[i % n]:R})."));
                    }
                }

                Assert.Equal(Sentinel, z[^1]);
                Assert.Equal(Sentinel, pre[^1]);
            }
        }
    }

    /// <summary>Every length, 1 and 3 rows, start 0 and 1; <paramref name="activation"/> null: no dispatching overload to compare.</summary>
    private static void AssertMatches<TOp>(Activation? activation, Func<float, float, bool> matches)
        where TOp : struct, IActivationOperator
    {
        var random = new Random(23);
        foreach (int rows in new[] { 1, 3 })
        {
            foreach (int start in new[] { 0, 1 })
            {
                for (int n = 0; n <= MaxLength; n++)
                {
                    float[] bias = new float[n], z = new float[start + (rows * n) + 1];
                    for (int j = 0; j < n; j++)
                    {
                        bias[j] = (float)((random.NextDouble() * 2) - 1);
                    }

                    for (int i = start; i < start + (rows * n); i++)
                    {
                        z[i] = random.Next(32) == 0 ? (random.Next(2) == 0 ? 100f : -100f) : (float)((random.NextDouble() * 24) - 12);
                    }

                    z[^1] = Sentinel;
                    float[] original = (float[])z.Clone(), viaDispatch = (float[])z.Clone();
                    Elementwise.Forward<TOp>(bias, z.AsSpan(start, rows * n), rows);
                    if (activation is Activation dispatched)
                    {
                        Elementwise.Forward(dispatched, bias, viaDispatch.AsSpan(start, rows * n), rows);
                    }
                    else
                    {
                        Elementwise.Forward<TOp>(bias, viaDispatch.AsSpan(start, rows * n), rows);
                    }

                    for (int i = 0; i < rows * n; i++)
                    {
                        float s = original[start + i] + bias[i % n], got = z[start + i];
                        if (!matches(s, got) || BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(viaDispatch[start + i]))
                        {
                            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{activation?.ToString() ?? typeof(TOp).Name}, {rows} rows of {n}, start {start}, element {i}: f({s:R}) = {got:R} (dispatching overload {viaDispatch[start + i]:R})."));
                        }
                    }

                    Assert.Equal(Sentinel, z[^1]);
                    Assert.Equal(Sentinel, viaDispatch[^1]);
                }
            }
        }
    }
}
