// NetworkCreateTests: what Network.Create promises beyond validation. The same seed gives bit-identical
// parameters (and different seeds different ones); the architecture properties echo the arguments; the
// flat buffer holds Σ_l (n_{l−1}·n_l + n_l) values; biases start at 0 and weights are uniform within the
// Glorot limit √(6 / (in + out)) (He √(6 / in) for ReLU layers), filling most of that range.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class NetworkCreateTests
{
    public static TheoryData<int[], Activation, Activation> Architectures() => new()
    {
        { [784, 256, 128, 10], Activation.Relu, Activation.Softmax },
        { [2, 2, 1], Activation.Sigmoid, Activation.Sigmoid },
        { [5, 70, 1, 33], Activation.Tanh, Activation.Identity },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_same_seed_gives_bit_identical_parameters(int[] sizes, Activation hidden, Activation output)
    {
        foreach (int seed in new[] { 0, 1, -1, int.MaxValue })
        {
            Network a = Network.Create(sizes, hidden, output, seed);
            Network b = Network.Create(sizes, hidden, output, seed);
            MlpAssert.BitIdentical(a.Parameters, b.Parameters, $"seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Different_seeds_give_different_weights(int[] sizes, Activation hidden, Activation output)
    {
        float[] first = Network.Create(sizes, hidden, output, 0).Parameters.ToArray();
        foreach (int seed in new[] { 1, 2, -1, int.MinValue })
        {
            float[] other = Network.Create(sizes, hidden, output, seed).Parameters.ToArray();
            Assert.False(first.AsSpan().SequenceEqual(other), $"Seeds 0 and {seed} gave the same parameters.");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Shape_properties_echo_the_arguments(int[] sizes, Activation hidden, Activation output)
    {
        Network network = Network.Create(sizes, hidden, output, 3);
        Assert.Equal(sizes, network.LayerSizes);
        Assert.Equal(sizes[0], network.InputSize);
        Assert.Equal(sizes[^1], network.OutputSize);
        Assert.Equal(hidden, network.HiddenActivation);
        Assert.Equal(output, network.OutputActivation);
        int count = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            count += (sizes[l - 1] * sizes[l]) + sizes[l];
        }

        Assert.Equal(count, network.Parameters.Length);
    }

    [Fact]
    public void The_caller_can_change_its_layer_list_afterwards()
    {
        int[] sizes = [4, 3, 2];
        Network network = Network.Create(sizes, Activation.Tanh, Activation.Identity, 3);
        sizes[1] = 100;
        Assert.Equal([4, 3, 2], network.LayerSizes);
        Assert.Equal(4 * 3 + 3 + 3 * 2 + 2, network.Parameters.Length);
    }

    [Theory]
    [InlineData(Activation.Tanh, Activation.Sigmoid)]
    [InlineData(Activation.Relu, Activation.Softmax)]
    public void Weights_are_uniform_within_the_Glorot_or_He_limit_and_biases_are_zero(Activation hidden, Activation output)
    {
        int[] sizes = [100, 60, 40];
        Network network = Network.Create(sizes, hidden, output, 5);
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1], nOut = sizes[l];
            Activation f = l == sizes.Length - 1 ? output : hidden;
            double limit = f == Activation.Relu ? Math.Sqrt(6.0 / nIn) : Math.Sqrt(6.0 / (nIn + nOut));
            ReadOnlySpan<float> weights = network.Parameters.Slice(offset, nIn * nOut);
            double max = 0, sum = 0;
            foreach (float w in weights)
            {
                max = Math.Max(max, Math.Abs(w));
                sum += w;
            }

            Assert.InRange(max, 0.95 * limit, limit * (1 + 1e-6));
            Assert.InRange(sum / weights.Length, -0.1 * limit, 0.1 * limit);   // centred (standard error ≈ 0.008·limit)
            Assert.All(network.Parameters.Slice(offset + (nIn * nOut), nOut).ToArray(), b => Assert.Equal(0f, b));
            offset += (nIn * nOut) + nOut;
        }
    }
}
