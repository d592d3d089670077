// ElementwiseForwardTests: each activation's fused forward operator, z ← f(z + b) row by row through
// Elementwise.Forward<TOp>(bias, z, rows), for every row length 0..256 (all vector tails), 1 and 3 rows,
// starting at element 0 and 1, in place, with a sentinel after the end that must survive. The bias
// add is one float addition, so identity, relu and leaky relu must equal the scalar float formula exactly; sigmoid
// and tanh (System.Numerics.Tensors kernels) are compared with the double function of the same float
// z + b within their accuracy, measured at ≤ 3.7u relative (sigmoid) and ≤ 2.5u absolute (tanh) and
// allowed 8u and 4u·(1 + |y|) (u = 2^-24). The dispatching overload must give the same bits. GELU and SiLU (own
// float kernels over ILanes) must give, in every lane, the bits of their scalar Activate, and are held to their
// measured accuracy against NaiveMlp's double twins (ActivationAccuracy) and to exact results at the special values.
// ForwardSavingInput must write z + b and the bits of Forward.
using System.Globalization;

using FastMlp.Reference;

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
        AssertMatches<GeluOperator>(Activation.Gelu, (s, got) => SameBits(got, GeluOperator.Activate(s)));

    [Fact]
    public void Silu_vector_lanes_give_the_bits_of_the_scalar_form() =>
        AssertMatches<SiluOperator>(Activation.Silu, (s, got) => SameBits(got, SiluOperator.Activate(s)));

    [Fact]
    public void Forward_saving_input_writes_z_plus_b_and_the_bits_of_forward()
    {
        AssertSavesInput<GeluOperator>();
        AssertSavesInput<SiluOperator>();
        AssertSavesInput<TanhOperator>();
        AssertSavesInput<SigmoidOperator>();
        AssertSavesInput<ReluOperator>();
    }

    [Fact]
    public void Gelu_is_within_4e_7_absolute_and_8_ulps_of_the_double_function()
    {
        // Measured: 3.84e-7 absolute (at x = 4.889, where ulp(f) = 4.8e-7), 1.78 ulps for x ≥ 1, 7.39 on (−1, 1),
        // 6.73 on [−12, −1); below −12.9, Φ(x) is subnormal and the ulps of f grow (13.6 at −13.1), absolute 1e-38.
        ActivationAccuracy.Assert("GELU", GeluOperator.Activate, z => NaiveMlp.Apply(NaiveActivation.Gelu, z), 4e-7, _ => true, 8, (x, _) => x >= -12);
    }

    [Fact]
    public void Silu_is_within_3_5_ulps_of_the_double_function_and_1e_6_absolute_up_to_8()
    {
        // Measured: 3.40 ulps (at x = −7.58) wherever e^−|x| is a normal float (x ≥ −87); 1.27e-6 absolute at
        // x = 13.8, 1.3 ulps of f there (ulp 9.5e-7 above 8), hence the absolute bound up to |x| = 8 only.
        ActivationAccuracy.Assert("SiLU", SiluOperator.Activate, z => NaiveMlp.Apply(NaiveActivation.Silu, z), 1e-6, x => Math.Abs(x) <= 8, 3.5, (x, _) => x >= -87);
    }

    [Fact]
    public void Gelu_and_silu_forward_and_derivative_allocate_nothing()
    {
        float[] bias = new float[256], z = new float[32 * 256], pre = new float[32 * 256], dy = new float[32 * 256];
        void Run()
        {
            Elementwise.ForwardSavingInput<GeluOperator>(bias, z, pre, 32);
            Elementwise.MultiplyDerivative<GeluOperator>(pre, dy);
            Elementwise.ForwardSavingInput<SiluOperator>(bias, z, pre, 32);
            Elementwise.MultiplyDerivative<SiluOperator>(pre, dy);
            Elementwise.Forward<GeluOperator>(bias.AsSpan(0, 3), z.AsSpan(0, 9), 3);
            Elementwise.Forward<SiluOperator>(bias.AsSpan(0, 3), z.AsSpan(0, 9), 3);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Gelu_and_silu_keep_signed_zeros_infinities_nan_and_halve_subnormals_in_every_lane()
    {
        AssertSpecials<GeluOperator>();
        AssertSpecials<SiluOperator>();
    }

    /// <summary>f(±0) = ±0, f(+∞) = +∞, f(−∞) = f(−1e30) = f(−3.4e38) = −0, f(NaN) = NaN, f(x) = x for x ≥ 1e5, f(s) = s/2 rounded for subnormal s.</summary>
    private static void AssertSpecials<TOp>()
        where TOp : struct, IActivationOperator
    {
        (float X, float Want)[] cases =
        [
            (0f, 0f), (-0f, -0f), (float.PositiveInfinity, float.PositiveInfinity), (float.NegativeInfinity, -0f), (float.NaN, float.NaN),
            (1e30f, 1e30f), (-1e30f, -0f), (3.4e38f, 3.4e38f), (-3.4e38f, -0f), (float.MaxValue, float.MaxValue), (1e5f, 1e5f),
            (1e-40f, (float)(1e-40f * 0.5)), (-1e-40f, (float)(-1e-40f * 0.5)), (float.Epsilon, 0f), (-float.Epsilon, -0f), (3 * float.Epsilon, 2 * float.Epsilon),
        ];
        for (int n = 1; n <= 40; n++)
        {
            float[] z = [.. Enumerable.Range(0, n).Select(i => cases[i % cases.Length].X)];
            TOp.Forward([.. Enumerable.Repeat(-0f, n)], z);   // x + (−0) is x for every x, −0 and NaN included
            for (int i = 0; i < n; i++)
            {
                (float x, float want) = cases[i % cases.Length];
                float got = z[i];
                Assert.True(SameBits(got, want), string.Create(CultureInfo.InvariantCulture, $"{typeof(TOp).Name}, n {n}, element {i}: f({x:R}) = {got:R}, expected {want:R}."));
            }
        }
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
