// PyTorchFixtureTests: state_dicts of real torch 1.13 nn.Sequential models (tests/fixtures/pytorch, made by
// make_fixtures.py: ReLU/Softmax; Tanh, GELU, SiLU, LeakyReLU, Sigmoid; nested under self.mlp; Dropout
// between, eval mode; twelve modules) in F32, F16 and BF16 load and predict what torch predicts. The bound is
// derived (MlpErrorBound: a first-order analysis of the float forward pass, doubled): FastMlp lies within it
// of the exact result, which torch's float64 run gives; torch's float32 run lies within the same kind of
// bound of it, so the two float results lie within twice the bound of each other. For F16 and BF16 files
// torch ran the same module with the rounded weights up-converted, so the same bound holds. A transposed
// weight, a wrong index mapping or a wrong conversion moves outputs by about |a·W|, far above the bound.
// The F16/BF16 parameters must also be exactly the F32 file's rounded to nearest even, as tensor.half() and
// tensor.bfloat16() round. And the committed FastMlp-written file (the one check_fastmlp_file.py loaded into
// torch) is exactly what SavePyTorch writes today.
using System.Text.Json;

using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class PyTorchFixtureTests
{
    private static readonly string s_directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement fixture in Manifest().GetProperty("fixtures").EnumerateArray())
        {
            data.Add(fixture.GetProperty("file").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Torch_state_dict_predicts_torchs_outputs_within_the_derived_bound(string file)
    {
        JsonElement fixture = Fixture(file);
        Activation[] activations = [.. fixture.GetProperty("activations").EnumerateArray().Select(a => Enum.Parse<Activation>(a.GetString()!))];
        string prefix = fixture.GetProperty("prefix").GetString()!;
        double[][] inputs = Rows(fixture.GetProperty("inputs"));
        double[][] torch32 = Rows(fixture.GetProperty("torch_f32"));
        double[][] torch64 = Rows(fixture.GetProperty("torch_f64"));

        Network network = Network.LoadPyTorch(Path.Combine(s_directory, file), activations, prefix);
        Assert.Equal(activations, network.Activations);
        int batch = inputs.Length;
        float[] x = [.. inputs.SelectMany(r => r).Select(v => (float)v)];
        float[] y = new float[batch * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(batch, 1))
        {
            network.Predict(x, y, workspace);
        }

        double[] bound = Bound(network, x, batch);
        for (int i = 0; i < y.Length; i++)
        {
            double exact = torch64[i / network.OutputSize][i % network.OutputSize];
            double single = torch32[i / network.OutputSize][i % network.OutputSize];
            Assert.True(Math.Abs(y[i] - exact) <= bound[i], $"{file} output {i}: FastMlp {y[i]:R}, torch float64 {exact:R}, |difference| {Math.Abs(y[i] - exact):E3} > bound {bound[i]:E3}");
            Assert.True(Math.Abs(y[i] - single) <= 2 * bound[i], $"{file} output {i}: FastMlp {y[i]:R}, torch float32 {single:R}, |difference| {Math.Abs(y[i] - single):E3} > 2 × bound {bound[i]:E3}");
        }
    }

    [Theory]
    [InlineData("relu-softmax")]
    [InlineData("mixed")]
    [InlineData("nested")]
    [InlineData("dropout")]
    [InlineData("deep")]
    public void Half_and_bfloat16_files_hold_the_F32_parameters_rounded_to_nearest_even(string model)
    {
        JsonElement fixture = Fixture(model + "-F32.safetensors");
        Activation[] activations = [.. fixture.GetProperty("activations").EnumerateArray().Select(a => Enum.Parse<Activation>(a.GetString()!))];
        string prefix = fixture.GetProperty("prefix").GetString()!;
        float[] single = Network.LoadPyTorch(Path.Combine(s_directory, model + "-F32.safetensors"), activations, prefix).Parameters.ToArray();
        float[] half = Network.LoadPyTorch(Path.Combine(s_directory, model + "-F16.safetensors"), activations, prefix).Parameters.ToArray();
        float[] brain = Network.LoadPyTorch(Path.Combine(s_directory, model + "-BF16.safetensors"), activations, prefix).Parameters.ToArray();
        for (int i = 0; i < single.Length; i++)
        {
            Assert.Equal((float)(Half)single[i], half[i]);
            uint bits = BitConverter.SingleToUInt32Bits(single[i]);
            float rounded = BitConverter.UInt32BitsToSingle((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000);
            Assert.Equal(rounded, brain[i]);
        }
    }

    [Fact]
    public void FastMlp_written_fixture_is_what_SavePyTorch_writes()
    {
        // The network WriteFastMlpFixture.cs saved (see tests/fixtures/pytorch/README.md).
        Network network = FastMlpFixture.Create();
        byte[] committed = File.ReadAllBytes(Path.Combine(s_directory, FastMlpFixture.File));
        Assert.Equal(committed, PyTorchFiles.Save(network, FastMlpFixture.Prefix));
    }

    /// <summary>MlpErrorBound's output bound (already doubled for safety) for <paramref name="network"/> on <paramref name="inputs"/>.</summary>
    private static double[] Bound(Network network, float[] inputs, int batch)
    {
        var mlp = new NaiveMlp(network.LayerSizes, [.. network.Activations.Select(MlpReference.ToNaive)]);
        double[] theta = MlpReference.ToDouble(network.Parameters);
        NaiveForwardPass forward = mlp.Forward(theta, MlpReference.ToDouble(inputs), batch);
        double[] targets = new double[batch * network.OutputSize];
        NaiveBackwardPass backward = mlp.Backward(theta, forward, NaiveLoss.MeanSquaredError, targets);
        return MlpErrorBound.Compute(mlp, theta, forward, backward, NaiveLoss.MeanSquaredError, targets, 0.125).Output;
    }

    /// <summary>The rows as written (float32 values are exact in double).</summary>
    private static double[][] Rows(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

    private static JsonElement Fixture(string file) =>
        Manifest().GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("file").GetString() == file);

    private static JsonElement Manifest()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_directory, "manifest.json")));
        return document.RootElement.Clone();
    }
}
