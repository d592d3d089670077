// WeightInitializationTests: every WeightInitialization scheme draws each layer's weights from its
// documented distribution: uniform schemes stay inside ±√(6 / fans) and fill it, normal schemes have
// mean ≈ 0 and variance ≈ 2 / fans (fans = in for He, in + out for Glorot), biases are 0, and the same
// seed gives the same bits. Statistics use 400×300 = 120,000 weights per layer, so the sampling error
// of the variance is about 0.4% (√(2 / n) for a normal, less for a uniform) and a 3% tolerance cannot
// be met by a wrong variance (the nearest wrong choice, He vs Glorot on 400-300, is off by 75%). The
// shape is checked too: a Kolmogorov–Smirnov distance from the scheme's CDF under 1.95 / √n, the 0.1%
// critical value, so a draw with the right variance but the wrong distribution (uniform for normal, a
// skewed or clipped normal) fails.
namespace FastMlp.Tests.Model;

public sealed class WeightInitializationTests
{
    private static readonly int[] s_sizes = [400, 300, 20];

    [Theory]
    [InlineData(WeightInitialization.GlorotUniform, false, false)]
    [InlineData(WeightInitialization.GlorotNormal, false, true)]
    [InlineData(WeightInitialization.HeUniform, true, false)]
    [InlineData(WeightInitialization.HeNormal, true, true)]
    public void Each_layer_has_the_scheme_s_distribution(WeightInitialization scheme, bool he, bool normal)
    {
        Network network = Network.Create(s_sizes, Activation.Tanh, Activation.Identity, seed: 3, scheme);
        float[] parameters = network.Parameters.ToArray();
        int offset = 0;
        for (int l = 0; l + 1 < s_sizes.Length; l++)
        {
            int fanIn = s_sizes[l], fanOut = s_sizes[l + 1];
            double fans = he ? fanIn : fanIn + fanOut;
            ReadOnlySpan<float> weights = parameters.AsSpan(offset, fanIn * fanOut);
            ReadOnlySpan<float> biases = parameters.AsSpan(offset + (fanIn * fanOut), fanOut);
            offset += (fanIn * fanOut) + fanOut;

            double mean = 0, squares = 0, largest = 0;
            foreach (float w in weights)
            {
                mean += w;
                squares += (double)w * w;
                largest = Math.Max(largest, Math.Abs(w));
            }

            mean /= weights.Length;
            double variance = (squares / weights.Length) - (mean * mean);
            double wantVariance = 2 / fans, limit = Math.Sqrt(6 / fans);
            double tolerance = l == 0 ? 0.03 : 0.15;   // layer 2 has only 6,000 weights: sampling error about 2%
            Assert.True(Math.Abs(variance / wantVariance - 1) < tolerance, $"{scheme}, layer {l}: variance {variance}, want {wantVariance}");
            Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(wantVariance / weights.Length), $"{scheme}, layer {l}: mean {mean}");
            if (normal)
            {
                Assert.True(largest > limit, $"{scheme}, layer {l}: no weight beyond {limit}; a normal draw of this size has some");
            }
            else
            {
                Assert.True(largest <= limit && largest > 0.99 * limit, $"{scheme}, layer {l}: largest |w| {largest}, limit {limit}");
            }

            Assert.True(biases.IndexOfAnyExcept(0f) < 0, $"{scheme}, layer {l}: biases must start at 0");
        }
    }

    [Theory]
    [InlineData(WeightInitialization.GlorotUniform, false, false)]
    [InlineData(WeightInitialization.GlorotNormal, false, true)]
    [InlineData(WeightInitialization.HeUniform, true, false)]
    [InlineData(WeightInitialization.HeNormal, true, true)]
    public void Each_layer_passes_a_Kolmogorov_Smirnov_test_against_the_scheme_s_distribution(WeightInitialization scheme, bool he, bool normal)
    {
        float[] parameters = Network.Create(s_sizes, Activation.Tanh, Activation.Identity, seed: 4, scheme).Parameters.ToArray();
        int offset = 0;
        for (int l = 0; l + 1 < s_sizes.Length; l++)
        {
            int fanIn = s_sizes[l], fanOut = s_sizes[l + 1];
            double fans = he ? fanIn : fanIn + fanOut;
            double[] weights = [.. parameters.AsSpan(offset, fanIn * fanOut).ToArray().Select(w => (double)w).Order()];
            offset += (fanIn * fanOut) + fanOut;

            double deviation = Math.Sqrt(2 / fans), limit = Math.Sqrt(6 / fans), distance = 0;
            for (int i = 0; i < weights.Length; i++)
            {
                double cdf = normal ? 0.5 * Erfc(-weights[i] / (deviation * Math.Sqrt(2))) : Math.Clamp((weights[i] + limit) / (2 * limit), 0, 1);
                distance = Math.Max(distance, Math.Max(((i + 1.0) / weights.Length) - cdf, cdf - ((double)i / weights.Length)));
            }

            double critical = 1.95 / Math.Sqrt(weights.Length);
            Assert.True(distance < critical, $"{scheme}, layer {l}: Kolmogorov–Smirnov distance {distance:G4} from the scheme's CDF, critical value {critical:G4}");
        }
    }

    [Theory]
    [InlineData(WeightInitialization.Default)]
    [InlineData(WeightInitialization.GlorotNormal)]
    [InlineData(WeightInitialization.HeNormal)]
    public void The_same_seed_gives_the_same_bits_and_another_seed_does_not(WeightInitialization scheme)
    {
        float[] first = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 7, scheme).Parameters.ToArray();
        float[] again = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 7, scheme).Parameters.ToArray();
        float[] other = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 8, scheme).Parameters.ToArray();
        Assert.True(first.AsSpan().SequenceEqual(again), "same seed, different parameters");
        Assert.False(first.AsSpan().SequenceEqual(other), "different seeds, same parameters");
    }

    [Fact]
    public void Default_is_He_uniform_for_relu_layers_and_Glorot_uniform_for_the_others()
    {
        float[] byDefault = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 5).Parameters.ToArray();
        float[] he = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 5, WeightInitialization.HeUniform).Parameters.ToArray();
        float[] glorot = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 5, WeightInitialization.GlorotUniform).Parameters.ToArray();
        int firstLayer = (400 * 300) + 300;
        Assert.True(byDefault.AsSpan(0, firstLayer).SequenceEqual(he.AsSpan(0, firstLayer)), "the ReLU layer should be He uniform");
        Assert.True(byDefault.AsSpan(firstLayer).SequenceEqual(glorot.AsSpan(firstLayer)), "the softmax layer should be Glorot uniform");
    }

    [Fact]
    public void An_undefined_scheme_throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Network.Create(s_sizes, Activation.Relu, Activation.Softmax, 0, (WeightInitialization)99));
        Assert.Equal("initialization", e.ParamName);
    }

    /// <summary>erfc x with a fractional error under 1.2e-7 (Numerical Recipes' Chebyshev fit), far below the test's resolution.</summary>
    private static double Erfc(double x)
    {
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double z = Math.Abs(x), t = 1 / (1 + (0.5 * z)), polynomial = 0;
        for (int k = c.Length - 1; k >= 0; k--)
        {
            polynomial = c[k] + (t * polynomial);
        }

        double tail = t * Math.Exp(-(z * z) + polynomial);
        return x >= 0 ? tail : 2 - tail;
    }
}
