// OnnxLoadFixtureTests: the committed ONNX fixtures (Fixtures/README.md: torch.onnx.export's TorchScript exporter
// at opsets 13 and 17, and the dynamo and tf2onnx Keras Dense patterns built with onnx.helper) load as the
// architecture their torch model has and predict torch's outputs for the inputs saved beside them. The bound is
// derived (MlpErrorBound): torch's float32 forward pass and FastMlp's each lie within e of the exact (double)
// forward pass over the loaded parameters, so they lie within 2e of each other. A wrong layout (W not
// transposed), a dropped bias, a wrong activation or a wrong GELU constant moves an output far past it.
using System.Text.Json;

using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxLoadFixtureTests
{
    public static TheoryData<string, int[], Activation[]> Fixtures() => new()
    {
        { "torch-relu-softmax-opset13", [5, 8, 4], [Activation.Relu, Activation.Softmax] },
        { "torch-tanh-identity-opset17", [3, 6, 6, 2], [Activation.Tanh, Activation.Tanh, Activation.Identity] },
        { "torch-sigmoid-opset13", [4, 5, 3], [Activation.Sigmoid, Activation.Sigmoid] },
        { "torch-leakyrelu-opset17", [4, 7, 2], [Activation.LeakyRelu, Activation.Identity] },
        { "torch-gelu-opset13", [4, 6, 3], [Activation.Gelu, Activation.Gelu] },
        { "torch-gelu-silu-opset17", [4, 6, 5, 3], [Activation.Gelu, Activation.Silu, Activation.Softmax] },
        { "torch-silu-opset13", [3, 5, 2], [Activation.Silu, Activation.Identity] },
        { "torch-nobias-relu-opset13", [3, 4, 2], [Activation.Relu, Activation.Identity] },
        { "dynamo-relu-opset17", [4, 6, 3], [Activation.Relu, Activation.Identity] },
        { "tf2onnx-dense-relu-softmax-opset13", [6, 5, 3], [Activation.Relu, Activation.Softmax] },
    };

    /// <summary>The fixture's file names, for the mutation tests.</summary>
    public static IEnumerable<string> Names => Fixtures().Select(row => (string)row[0]);

    public static string PathOf(string name, string extension) => Path.Combine(AppContext.BaseDirectory, "Model", "Onnx", "Fixtures", name + extension);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_fixture_loads_as_its_torch_model_and_predicts_torchs_outputs_within_twice_the_rounding_bound(string name, int[] sizes, Activation[] activations)
    {
        Network network = Network.LoadOnnx(PathOf(name, ".onnx"));
        Assert.Equal(sizes, network.LayerSizes);
        Assert.Equal(activations, network.Activations);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(PathOf(name, ".json")));
        int batch = json.RootElement.GetProperty("batch").GetInt32();
        float[] inputs = [.. json.RootElement.GetProperty("inputs").EnumerateArray().Select(v => (float)v.GetDouble())];
        float[] torch = [.. json.RootElement.GetProperty("outputs").EnumerateArray().Select(v => (float)v.GetDouble())];
        Assert.Equal(batch * sizes[0], inputs.Length);
        Assert.Equal(batch * sizes[^1], torch.Length);

        var predicted = new float[torch.Length];
        using (Workspace workspace = network.CreateWorkspace(batch))
        {
            network.Predict(inputs, predicted, workspace);
        }

        double[] bound = OutputBound(network, inputs, batch);
        for (int i = 0; i < torch.Length; i++)
        {
            double difference = Math.Abs((double)predicted[i] - torch[i]);
            Assert.True(difference <= 2 * bound[i], $"{name}: output {i}: FastMlp {predicted[i]:R}, torch {torch[i]:R}, |difference| {difference:E3} > 2 × bound {bound[i]:E3}.");
        }
    }

    /// <summary>MlpErrorBound's bound on each output of <paramref name="network"/> for <paramref name="inputs"/>.</summary>
    internal static double[] OutputBound(Network network, float[] inputs, int batch)
    {
        var mlp = new NaiveMlp(network.LayerSizes, [.. network.Activations.Select(MlpReference.ToNaive)]);
        double[] theta = MlpReference.ToDouble(network.Parameters);
        NaiveForwardPass forward = mlp.Forward(theta, MlpReference.ToDouble(inputs), batch);
        var targets = new double[batch * network.OutputSize];
        NaiveBackwardPass backward = mlp.Backward(theta, forward, NaiveLoss.MeanSquaredError, targets);
        return MlpErrorBound.Compute(mlp, theta, forward, backward, NaiveLoss.MeanSquaredError, targets, learningRate: 0.01).Output;
    }
}
