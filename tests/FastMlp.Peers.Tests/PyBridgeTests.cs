// PyBridgeTests: FastMlp's PyTorch layout against a real torch (libtorch 2.10 through TorchSharp 0.107) and a
// second safetensors writer and reader (TorchSharp.PyBridge 1.4.4), issue 15. One way, a TorchSharp nn.Sequential
// of Linear layers and activation modules saved with PyBridge's save_safetensors (its own tensor order, no
// padding rule) loads with LoadPyTorch and predicts TorchSharp's forward; in F16 too (the module halved, saved,
// then up-converted exactly for its forward). The other way, SavePyTorch's file loads into the same Sequential
// with PyBridge's load_safetensors (strict) and TorchSharp predicts FastMlp's outputs. The bound is
// OnnxRuntimeTests.Bound's (a float forward pass's derived rounding bound e; both results lie within e of the
// exact one, so within 2e of each other). Random architectures with every activation (FsCheck).
using FastMlp.Peers.Peers;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using TorchSharp;
using TorchSharp.PyBridge;

using static TorchSharp.torch;

namespace FastMlp.Peers.Tests;

public sealed class PyBridgeTests : IDisposable
{
    private static readonly Activation[] s_hidden =
        [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Gelu, Activation.Silu];

    private readonly string _directory = Directory.CreateTempSubdirectory("fastmlp-pybridge-").FullName;

    /// <summary>1-4 layers of 1-12 units, any hidden activations, any output one (Softmax included), a seed, a batch.</summary>
    public static Arbitrary<BridgeCase> Cases() => Gen.Choose(2, 5)
        .SelectMany(count => Gen.ArrayOf(Gen.Choose(1, 12), count))
        .SelectMany(sizes => Gen.ArrayOf(Gen.Elements(s_hidden), sizes.Length - 1)
            .SelectMany(activations => Gen.Elements([.. s_hidden, Activation.Softmax])
                .SelectMany(output => Gen.Choose(1, 6)
                    .SelectMany(batch => Gen.Choose(0, int.MaxValue)
                        .Select(seed => new BridgeCase(sizes, [.. activations[..^1], output], batch, seed))))))
        .ToArbitrary();

    [Property(MaxTest = 60, Arbitrary = [typeof(PyBridgeTests)])]
    public void PyBridge_saved_Sequential_loads_and_predicts_TorchSharps_outputs(BridgeCase c)
    {
        RequireTorch();
        using var scope = NewDisposeScope();
        torch.manual_seed(c.Seed);
        using nn.Module<Tensor, Tensor> sequential = Sequential(c.Sizes, c.Activations);
        string path = Path.Combine(_directory, $"torch-{c.Seed}.safetensors");
        sequential.save_safetensors(path);

        Network network = Network.LoadPyTorch(path, c.Activations);
        Assert.Equal(c.Sizes, network.LayerSizes);
        float[] inputs = Inputs(c);
        AssertClose(c, "TorchSharp", Forward(sequential, inputs, c), Predict(network, inputs, c.Batch), OnnxRuntimeTests.Bound(network, inputs, c.Batch));
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(PyBridgeTests)])]
    public void PyBridge_saved_half_Sequential_loads_exactly_up_converted(BridgeCase c)
    {
        RequireTorch();
        using var scope = NewDisposeScope();
        torch.manual_seed(c.Seed);
        using nn.Module<Tensor, Tensor> sequential = Sequential(c.Sizes, c.Activations);
        sequential.to(ScalarType.Float16);
        string path = Path.Combine(_directory, $"half-{c.Seed}.safetensors");
        sequential.save_safetensors(path);
        sequential.to(ScalarType.Float32);

        Network network = Network.LoadPyTorch(path, c.Activations);
        float[] inputs = Inputs(c);
        AssertClose(c, "TorchSharp (F16 weights)", Forward(sequential, inputs, c), Predict(network, inputs, c.Batch), OnnxRuntimeTests.Bound(network, inputs, c.Batch));
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(PyBridgeTests)])]
    public void SavePyTorch_file_loads_into_TorchSharp_with_PyBridge_and_predicts_FastMlps_outputs(BridgeCase c)
    {
        RequireTorch();
        using var scope = NewDisposeScope();
        Network network = Network.Create(c.Sizes, c.Activations, c.Seed);
        string path = Path.Combine(_directory, $"fastmlp-{c.Seed}.safetensors");
        network.SavePyTorch(path);

        // Zeros first, so a tensor the load skipped shows.
        using nn.Module<Tensor, Tensor> sequential = Sequential(c.Sizes, c.Activations);
        using (no_grad())
        {
            foreach (Tensor parameter in sequential.parameters())
            {
                parameter.zero_();
            }
        }

        sequential.load_safetensors(path, strict: true);
        float[] inputs = Inputs(c);
        AssertClose(c, "TorchSharp", Forward(sequential, inputs, c), Predict(network, inputs, c.Batch), OnnxRuntimeTests.Bound(network, inputs, c.Batch));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void RequireTorch() => Assert.True(TorchPeer.Info.Loaded, $"TorchSharp did not load: {TorchPeer.Info.Detail}");

    /// <summary>nn.Sequential as torch numbers it: a Linear per layer, each non-Identity activation the next module.</summary>
    private static nn.Module<Tensor, Tensor> Sequential(int[] sizes, Activation[] activations)
    {
        var modules = new List<nn.Module<Tensor, Tensor>>();
        for (int l = 0; l < activations.Length; l++)
        {
            modules.Add(nn.Linear(sizes[l], sizes[l + 1]));
            nn.Module<Tensor, Tensor>? activation = activations[l] switch
            {
                Activation.Identity => null,
                Activation.Sigmoid => nn.Sigmoid(),
                Activation.Tanh => nn.Tanh(),
                Activation.Relu => nn.ReLU(),
                Activation.LeakyRelu => nn.LeakyReLU(0.01),
                Activation.Gelu => nn.GELU(),
                Activation.Silu => nn.SiLU(),
                Activation.Softmax => nn.Softmax(-1),
                _ => throw new ArgumentOutOfRangeException(nameof(activations), activations[l], null),
            };
            if (activation is not null)
            {
                modules.Add(activation);
            }
        }

        nn.Module<Tensor, Tensor> sequential = nn.Sequential([.. modules]);
        sequential.eval();
        return sequential;
    }

    private static float[] Inputs(BridgeCase c)
    {
        var random = new Random(c.Seed);
        return [.. Enumerable.Range(0, c.Batch * c.Sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2))];
    }

    private static float[] Forward(nn.Module<Tensor, Tensor> sequential, float[] inputs, BridgeCase c)
    {
        using (no_grad())
        {
            using Tensor x = tensor(inputs, [c.Batch, c.Sizes[0]]);
            using Tensor y = sequential.forward(x);
            return y.data<float>().ToArray();
        }
    }

    private static float[] Predict(Network network, float[] inputs, int batch)
    {
        var outputs = new float[batch * network.OutputSize];
        using Workspace workspace = network.CreateWorkspace(batch);
        network.Predict(inputs, outputs, workspace);
        return outputs;
    }

    private static void AssertClose(BridgeCase c, string peer, float[] theirs, float[] ours, double[] bound)
    {
        Assert.Equal(ours.Length, theirs.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            double difference = Math.Abs((double)theirs[i] - ours[i]);
            Assert.True(difference <= 2 * bound[i], $"{c}: output {i}: {peer} {theirs[i]:R}, FastMlp {ours[i]:R}, |difference| {difference:E3} > 2 × bound {bound[i]:E3}.");
        }
    }

    public sealed record BridgeCase(int[] Sizes, Activation[] Activations, int Batch, int Seed)
    {
        public override string ToString() => $"sizes [{string.Join(", ", Sizes)}], activations [{string.Join(", ", Activations)}], batch {Batch}, seed {Seed}";
    }
}
