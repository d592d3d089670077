// OnnxRoundTripProperties: SaveOnnx then LoadOnnx gives back the network: the same layer sizes, the same
// activation per layer, the same parameter bits, and so the same predictions bit for bit, over random
// architectures and every activation (Softmax on the output layer), from a seekable and a non-seekable stream.
using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxRoundTripProperties
{
    private static readonly Activation[] s_elementwise =
        [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Gelu, Activation.Silu];

    /// <summary>1-4 layers of 1-12 units, any elementwise activation per hidden layer, any activation (Softmax too) on the output.</summary>
    public static Arbitrary<RoundTripCase> Cases() => Gen.Choose(2, 5)
        .SelectMany(count => Gen.ArrayOf(Gen.Choose(1, 12), count))
        .SelectMany(sizes => Gen.ArrayOf(Gen.Elements(s_elementwise), sizes.Length - 1)
            .SelectMany(activations => Gen.Elements([.. s_elementwise, Activation.Softmax])
                .SelectMany(output => Gen.Choose(0, int.MaxValue)
                    .Select(seed => new RoundTripCase(sizes, [.. activations[..^1], output], seed)))))
        .ToArbitrary();

    [Property(MaxTest = 200, Arbitrary = [typeof(OnnxRoundTripProperties)])]
    public void SaveOnnx_then_LoadOnnx_gives_the_same_network_and_bit_identical_predictions(RoundTripCase c)
    {
        Network network = Network.Create(c.Sizes, c.Activations, c.Seed);
        using var saved = new MemoryStream();
        network.SaveOnnx(saved);
        byte[] bytes = saved.ToArray();

        Network seekable = Network.LoadOnnx(new MemoryStream(bytes));
        Network piped = Network.LoadOnnx(new NonSeekableStream(bytes));
        foreach (Network loaded in new[] { seekable, piped })
        {
            Assert.Equal(network.LayerSizes, loaded.LayerSizes);
            Assert.Equal(network.Activations, loaded.Activations);
            MlpAssert.BitIdentical(network.Parameters, loaded.Parameters, $"{c}: parameters");
            MlpAssert.BitIdentical(Predict(network, c.Seed), Predict(loaded, c.Seed), $"{c}: predictions");
        }
    }

    private static float[] Predict(Network network, int seed)
    {
        const int Batch = 3;
        var random = new Random(seed);
        float[] inputs = [.. Enumerable.Range(0, Batch * network.InputSize).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        var outputs = new float[Batch * network.OutputSize];
        using Workspace workspace = network.CreateWorkspace(Batch, maxDegreeOfParallelism: 1);
        network.Predict(inputs, outputs, workspace);
        return outputs;
    }

    public sealed record RoundTripCase(int[] Sizes, Activation[] Activations, int Seed)
    {
        public override string ToString() => $"sizes [{string.Join(", ", Sizes)}], activations [{string.Join(", ", Activations)}], seed {Seed}";
    }
}
