// PyTorchRoundTripTests: SavePyTorch then LoadPyTorch (issue 15) gives the same layer sizes, activations,
// parameter bits and predictions, and saved again the same bytes, for random architectures with every
// activation, with and without a key prefix; files written by hand by the format's rules load into the
// network they describe (F32, F16, BF16, mixed dtypes, any data order); non-seekable streams with short
// reads; non-finite weights when allowed; atomic saves by path.

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model;

public sealed class PyTorchRoundTripTests
{
    private static readonly string[] s_prefixes = ["", "model.", "mlp.", "encoder.layers.", "é.", "q\"\\\n\u0001\u007f."];

    public sealed record SaveCase(int[] Sizes, Activation[] Activations, string Prefix, int Seed)
    {
        public override string ToString() => $"[{string.Join(", ", Sizes)}] {string.Join("/", Activations)} prefix \"{Prefix}\" seed {Seed}";
    }

    private static Gen<SaveCase> Cases { get; } =
        from layers in Gen.Choose(1, 7)
        from sizes in Gen.ArrayOf(Gen.Choose(1, 24), layers + 1)
        from hidden in Gen.ArrayOf(Gen.Elements(MlpGenerators.HiddenActivations), layers - 1)
        from output in Gen.Elements(Enum.GetValues<Activation>())
        from prefix in Gen.Elements(s_prefixes)
        from seed in Gen.Choose(0, int.MaxValue)
        select new SaveCase(sizes, [.. hidden, output], prefix, seed);

    [Property(MaxTest = 150)]
    public Property SavePyTorch_then_LoadPyTorch_preserves_architecture_bits_predictions_and_bytes() =>
        Prop.ForAll(Arb.From(Cases), RoundTrips);

    [Fact]
    public void Every_activation_round_trips_as_hidden_and_as_output()
    {
        foreach (Activation hidden in MlpGenerators.HiddenActivations)
        {
            foreach (Activation output in Enum.GetValues<Activation>())
            {
                Assert.True(RoundTrips(new SaveCase([4, 5, 3, 2], [hidden, hidden, output], "", 7)), $"{hidden}/{output}");
            }
        }
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Hand_written_state_dict_loads_into_the_network_it_describes(string dtype)
    {
        Activation[] activations = [Activation.Relu, Activation.Identity, Activation.Tanh, Activation.Softmax];
        Network expected = PyTorchFiles.Exact([3, 5, 4, 6, 2], activations, seed: 11);
        foreach (string prefix in new[] { "", "model." })
        {
            byte[] file = PyTorchFiles.Build(PyTorchFiles.StateDict(expected, dtype, prefix));
            Network loaded = PyTorchFiles.Load(file, activations, prefix);
            Assert.Equal(expected.LayerSizes, loaded.LayerSizes);
            Assert.Equal(activations, loaded.Activations);
            Assert.True(RoundTripNetworks.BitsEqual(expected.Parameters, loaded.Parameters), $"{dtype} prefix \"{prefix}\"");
        }
    }

    [Fact]
    public void Mixed_dtypes_and_any_data_order_load()
    {
        Activation[] activations = [Activation.Gelu, Activation.Silu, Activation.Sigmoid];
        Network expected = PyTorchFiles.Exact([2, 3, 3, 1], activations, seed: 5);
        List<PyTorchFiles.Entry> entries = PyTorchFiles.StateDict(expected);
        string[] dtypes = ["F16", "BF16", "F32", "F16", "F32", "BF16"];
        for (int i = 0; i < entries.Count; i++)
        {
            entries[i] = entries[i] with { Dtype = dtypes[i] };
        }

        // The reference order (F32, BF16, F16, by name) and the file's data reversed: both must tile and load.
        byte[] reference = PyTorchFiles.Build(entries, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "any string" });
        Assert.True(RoundTripNetworks.BitsEqual(expected.Parameters, PyTorchFiles.Load(reference, activations).Parameters));

        byte[] reversed = ReverseDataOrder(reference);
        Assert.True(RoundTripNetworks.BitsEqual(expected.Parameters, PyTorchFiles.Load(reversed, activations).Parameters));
    }

    [Fact]
    public void Gaps_for_parameterless_modules_load()
    {
        // nn.Flatten at 0, Linear 1, ReLU 2, Dropout 3, Linear 4, Dropout 5, Linear 6 (Identity between 4 and 6), Softmax 7.
        Activation[] activations = [Activation.Relu, Activation.Identity, Activation.Softmax];
        Network expected = PyTorchFiles.Exact([4, 3, 3, 2], activations, seed: 9);
        List<PyTorchFiles.Entry> entries = PyTorchFiles.StateDict(expected);
        string[] names = ["1.weight", "1.bias", "4.weight", "4.bias", "6.weight", "6.bias"];
        for (int i = 0; i < entries.Count; i++)
        {
            entries[i] = entries[i] with { Name = names[i] };
        }

        Network loaded = PyTorchFiles.Load(PyTorchFiles.Build(entries), activations);
        Assert.True(RoundTripNetworks.BitsEqual(expected.Parameters, loaded.Parameters));
    }

    [Fact]
    public void Non_seekable_stream_with_short_reads_loads()
    {
        Activation[] activations = [Activation.Relu, Activation.Softmax];
        Network original = Network.Create([5, 70, 3], activations, seed: 4);
        byte[] file = PyTorchFiles.Save(original, "mlp.");
        foreach (int maxRead in new[] { 1, 3, 7, 4096 })
        {
            Network loaded = Network.LoadPyTorch(new NonSeekableStream(file, maxRead), activations, "mlp.");
            Assert.True(RoundTripNetworks.BitsEqual(original.Parameters, loaded.Parameters));
        }
    }

    [Fact]
    public void Non_finite_weights_load_only_when_allowed()
    {
        Activation[] activations = [Activation.Tanh, Activation.Identity];
        Network original = ModelFileBytes.Tiny();
        original.Parameters[1] = float.NaN;
        original.Parameters[8] = float.NegativeInfinity;
        byte[] file = PyTorchFiles.Save(original);

        ModelFormatException e = Assert.Throws<ModelFormatException>(() => PyTorchFiles.Load(file, activations));
        Assert.Equal(ModelFormatError.NonFiniteWeight, e.Reason);

        // W1[0, 1] is 0.weight[1, 0] in torch's [out, in] layout.
        Assert.Contains("0.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 0]", e.Message, StringComparison.Ordinal);

        Network loaded = Network.LoadPyTorch(new MemoryStream(file), activations, "", new ModelLoadOptions { AllowNonFiniteWeights = true });
        Assert.True(RoundTripNetworks.BitsEqual(original.Parameters, loaded.Parameters));
    }

    [Fact]
    public void Save_by_path_replaces_an_existing_file_and_leaves_no_temporary()
    {
        using var directory = new TempDirectory();
        string path = directory.Write("model.safetensors", [1, 2, 3]);
        Network network = Network.Create([3, 4, 2], Activation.Sigmoid, Activation.Identity, seed: 2);
        network.SavePyTorch(path, "model.");
        Assert.Equal(PyTorchFiles.Save(network, "model."), File.ReadAllBytes(path));
        Network loaded = Network.LoadPyTorch(path, [Activation.Sigmoid, Activation.Identity], "model.");
        Assert.True(RoundTripNetworks.BitsEqual(network.Parameters, loaded.Parameters));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));

        network.SavePyTorch(path);
        Assert.True(RoundTripNetworks.BitsEqual(network.Parameters, Network.LoadPyTorch(path, [Activation.Sigmoid, Activation.Identity]).Parameters));
    }

    [Fact]
    public void Failed_save_by_path_leaves_the_previous_file_and_no_temporary()
    {
        using var directory = new TempDirectory();
        Network network = Network.Create([3, 2], Activation.Identity, Activation.Identity, seed: 3);
        string previous = directory.Write("keep.safetensors", [9, 9, 9]);
        string blocked = Path.Combine(directory.Path, "model.safetensors");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<Exception>(() => network.SavePyTorch(blocked));
        Assert.True(Directory.Exists(blocked));
        Assert.Equal([9, 9, 9], File.ReadAllBytes(previous));
        Assert.Equal(["keep.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    /// <summary>The same file with its tensors' data in the reverse order (offsets rewritten to match).</summary>
    private static byte[] ReverseDataOrder(byte[] file)
    {
        (string header, byte[] data) = ModelFileBytes.Split(file);
        using var json = System.Text.Json.JsonDocument.Parse(header);
        var tensors = json.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .Select(p => (p.Name, Dtype: p.Value.GetProperty("dtype").GetString()!, Shape: p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
                Begin: p.Value.GetProperty("data_offsets")[0].GetInt32(), End: p.Value.GetProperty("data_offsets")[1].GetInt32()))
            .ToList();
        var newData = new MemoryStream();
        var text = new System.Text.StringBuilder("{");
        for (int i = tensors.Count - 1; i >= 0; i--)
        {
            var t = tensors[i];
            long begin = newData.Length;
            newData.Write(data, t.Begin, t.End - t.Begin);
            text.Append($"\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(',', t.Shape)}],\"data_offsets\":[{begin},{newData.Length}]}},");
        }

        text.Length--;
        text.Append('}');
        return ModelFileBytes.Build(text.ToString(), newData.ToArray());
    }

    private static bool RoundTrips(SaveCase c)
    {
        Network original = Network.Create(c.Sizes, c.Activations, c.Seed);
        RoundTripNetworks.FillOddBits(original.Parameters, c.Seed);

        byte[] file = PyTorchFiles.Save(original, c.Prefix);
        Network loaded = PyTorchFiles.Load(file, c.Activations, c.Prefix);

        return loaded.LayerSizes.SequenceEqual(original.LayerSizes)
            && loaded.Activations.SequenceEqual(original.Activations)
            && RoundTripNetworks.BitsEqual(loaded.Parameters, original.Parameters)
            && RoundTripNetworks.PredictSameBits(original, loaded, c.Seed)
            && PyTorchFiles.Save(loaded, c.Prefix).AsSpan().SequenceEqual(file)
            && PyTorchFiles.Build(PyTorchFiles.StateDict(original, "F32", c.Prefix), new Dictionary<string, string> { ["format"] = "pt" }).AsSpan().SequenceEqual(file);
    }
}
