// PyTorchValidationTests: every way a state_dict can fail to match (issue 15) is a ModelFormatException with
// its reason and a message naming the key(s) and shapes: missing weight or bias, unknown keys (other modules'
// tensors, keys outside the prefix, with the prefix the keys do share suggested), Linear indices with no room
// for an activation module, shapes that do not chain, a bias of the wrong length, the activation count, other
// dtypes, bad shapes; bad arguments are ArgumentExceptions naming the argument, and a refused save writes nothing.
using FastMlp.Tests.Infrastructure;

using static FastMlp.Tests.Model.PyTorchFiles;

namespace FastMlp.Tests.Model;

public sealed class PyTorchValidationTests
{
    private static readonly Activation[] s_two = [Activation.Relu, Activation.Softmax];

    [Fact]
    public void Missing_weight_or_bias_names_the_key()
    {
        List<Entry> entries = Linear2();
        AssertFails(Build(entries.Where(e => e.Name != "2.weight")), s_two, "", ModelFormatError.MissingKey, "2.weight", "2.bias", "[2]");
        AssertFails(Build(entries.Where(e => e.Name != "0.bias")), s_two, "", ModelFormatError.MissingKey, "0.bias", "0.weight", "[4, 3]", "bias=True");
        AssertFails(Build([]), s_two, "", ModelFormatError.MissingKey, "no tensors");
    }

    [Fact]
    public void Unknown_keys_are_named()
    {
        List<Entry> entries = Linear2();
        AssertFails(Build([.. entries, new Entry("1.running_mean", "F32", [4], new float[4])]), s_two, "", ModelFormatError.UnknownKey, "\"1.running_mean\"");
        AssertFails(Build([.. entries, new Entry("2.weight_orig", "F32", [4], new float[4])]), s_two, "", ModelFormatError.UnknownKey, "\"2.weight_orig\"");
        AssertFails(Build([.. entries, new Entry("02.weight", "F32", [2, 4], new float[8])]), s_two, "", ModelFormatError.UnknownKey, "\"02.weight\"");
    }

    [Fact]
    public void Keys_outside_the_prefix_name_the_expected_prefix_and_suggest_the_shared_one()
    {
        List<Entry> plain = Linear2();
        List<Entry> mlp = Linear2("mlp.");

        // Prefixed keys, no prefix given: the keys are not <index>.weight, and their prefix is suggested.
        AssertFails(Build(mlp), s_two, "", ModelFormatError.UnknownKey, "\"mlp.0.bias\"", "pass keyPrefix \"mlp.\"");

        // Another prefix than the keys': the expected one is named and theirs suggested.
        AssertFails(Build(mlp), s_two, "model.", ModelFormatError.UnknownKey, "\"mlp.0.bias\"", "key prefix \"model.\"", "pass keyPrefix \"mlp.\"");

        // A prefix given for unprefixed keys.
        AssertFails(Build(plain), s_two, "model.", ModelFormatError.UnknownKey, "\"0.bias\"", "key prefix \"model.\"", "the keys have no prefix");

        // Keys that share no prefix: nothing to suggest.
        Exception e = AssertFails(Build([.. mlp, new Entry("head.weight", "F32", [1], [0f])]), s_two, "mlp.", ModelFormatError.UnknownKey, "\"head.weight\"", "key prefix \"mlp.\"");
        Assert.DoesNotContain("pass keyPrefix", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjacent_Linears_leave_no_index_for_a_hidden_activation()
    {
        List<Entry> entries = [.. Linear2().Select(e => e with { Name = e.Name.Replace("2.", "1.", StringComparison.Ordinal) })];
        AssertFails(Build(entries), s_two, "", ModelFormatError.NonConsecutiveLayers, "0.weight", "1.weight", "Relu", "nn.ReLU()");

        // Identity between them needs no module: the same file loads.
        Network network = Load(Build(entries), [Activation.Identity, Activation.Softmax]);
        Assert.Equal([3, 4, 2], network.LayerSizes);
    }

    [Fact]
    public void Shapes_that_do_not_chain_name_both_keys_and_shapes()
    {
        List<Entry> entries = Linear2();
        entries[2] = new Entry("2.weight", "F32", [2, 5], new float[10]);
        AssertFails(Build(entries), s_two, "", ModelFormatError.ShapeMismatch, "2.weight", "[2, 5]", "0.weight", "[4, 3]");
    }

    [Fact]
    public void Bias_length_mismatch_names_the_bias_and_the_weight()
    {
        List<Entry> entries = Linear2();
        entries[1] = new Entry("0.bias", "F32", [5], new float[5]);
        AssertFails(Build(entries), s_two, "", ModelFormatError.ShapeMismatch, "0.bias", "[5]", "0.weight", "[4, 3]");
    }

    [Fact]
    public void Activation_count_must_be_the_layer_count()
    {
        byte[] file = Build(Linear2());
        AssertFails(file, [Activation.Relu, Activation.Relu, Activation.Softmax], "", ModelFormatError.LayerCountMismatch, "2 nn.Linear layers", "(0, 2)", "3 activations");
        AssertFails(file, [Activation.Softmax], "", ModelFormatError.LayerCountMismatch, "2 nn.Linear layers", "1 activation was");
    }

    [Fact]
    public void Other_dtypes_are_refused_naming_the_key_and_dtype()
    {
        foreach (string dtype in new[] { "F64", "I32", "F8_E4M3", "f32" })
        {
            List<Entry> entries = Linear2();
            entries[2] = entries[2] with { Dtype = dtype };
            AssertFails(Build(entries), s_two, "", ModelFormatError.UnsupportedDtype, "2.weight", $"\"{dtype}\"");
        }
    }

    [Fact]
    public void Bad_shapes_are_refused_naming_the_key()
    {
        List<Entry> entries = Linear2();
        entries[0] = new Entry("0.weight", "F32", [12], new float[12]);
        AssertFails(Build(entries), s_two, "", ModelFormatError.InvalidShape, "0.weight", "[12]");

        entries = Linear2();
        entries[1] = new Entry("0.bias", "F32", [4, 1], new float[4]);
        AssertFails(Build(entries), s_two, "", ModelFormatError.InvalidShape, "0.bias", "[4, 1]");

        entries = Linear2();
        entries[0] = new Entry("0.weight", "F32", [4, 0], []);
        AssertFails(Build(entries), s_two, "", ModelFormatError.InvalidArchitecture, "0.weight", "[4, 0]");
    }

    [Fact]
    public void Metadata_with_any_string_values_loads_and_other_values_are_refused()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["0.weight"] = "shared", ["πλ"] = "" };
        Assert.Equal([3, 4, 2], Load(Build(Linear2(), metadata), s_two).LayerSizes);

        string header = "{'__metadata__':{'format':1},'0.bias':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'0.weight':{'dtype':'F32','shape':[1,1],'data_offsets':[4,8]}}".Replace('\'', '"');
        AssertFails(ModelFileBytes.Build(header, new byte[8]), [Activation.Identity], "", ModelFormatError.InvalidMetadata, "format");
    }

    [Fact]
    public void Unknown_length_streams_cap_the_F32_parameters_not_only_the_data()
    {
        // 400 MB of F16 data (under the 512 MiB cap) would be 800 MB of parameters: refused before they are allocated.
        const long Elements = 20000L * 10000;
        string header = $"{{'0.bias':{{'dtype':'F16','shape':[20000],'data_offsets':[0,40000]}},'0.weight':{{'dtype':'F16','shape':[20000,10000],'data_offsets':[40000,{40000 + (2 * Elements)}]}}}}".Replace('\'', '"');
        byte[] file = ModelFileBytes.Build(header, []);
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.LoadPyTorch(new Data.NonSeekableStream(file, 4096), [Activation.Identity]));
        Assert.True(e.Reason == ModelFormatError.ModelTooLarge, $"{e.Reason}: {e.Message}");
        Assert.Contains($"{4 * (Elements + 20000)} bytes as F32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_throw_argument_exceptions_naming_them()
    {
        byte[] file = Build(Linear2());
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => Network.LoadPyTorch((Stream)null!, s_two)).ParamName);
        Assert.Equal("activations", Assert.Throws<ArgumentNullException>(() => Network.LoadPyTorch(new MemoryStream(file), null!)).ParamName);
        Assert.Equal("keyPrefix", Assert.Throws<ArgumentNullException>(() => Network.LoadPyTorch(new MemoryStream(file), s_two, null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => Network.LoadPyTorch((string)null!, s_two)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => Network.LoadPyTorch("", s_two)).ParamName);
        ArgumentAssert.Throws<ArgumentException>("activations", () => Network.LoadPyTorch(new MemoryStream(file), []), "one activation");
        ArgumentAssert.Throws<ArgumentException>("activations", () => Network.LoadPyTorch(new MemoryStream(file), [Activation.Softmax, Activation.Relu]), "Activation 0 of 2 is Softmax");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("activations", () => Network.LoadPyTorch(new MemoryStream(file), [Activation.Relu, (Activation)99]), "Activation 1");
        ArgumentAssert.Throws<ArgumentException>("keyPrefix", () => Network.LoadPyTorch(new MemoryStream(file), s_two, "a\uD800."), "lone surrogate at character 1");
    }

    [Fact]
    public void Refused_saves_write_nothing()
    {
        Network network = Network.Create([3, 4, 2], s_two, seed: 1);
        using var stream = new MemoryStream();
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => network.SavePyTorch((Stream)null!)).ParamName);
        Assert.Equal("keyPrefix", Assert.Throws<ArgumentNullException>(() => network.SavePyTorch(stream, null!)).ParamName);
        ArgumentAssert.Throws<ArgumentException>("keyPrefix", () => network.SavePyTorch(stream, "\uDC00"), "lone surrogate at character 0");
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => network.SavePyTorch("")).ParamName);

        // A prefix so long that the header could not be read back (64 KiB + 32 per data byte) is refused before any byte.
        Assert.Throws<NotSupportedException>(() => network.SavePyTorch(stream, new string('p', 1 << 20)));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void A_prefix_too_long_to_load_back_is_refused_before_any_key_is_built()
    {
        // 100 layers: 200 keys of a 1 Mi-character prefix would be 400 MB of strings before the header's length
        // could be checked; the check comes first, from the lengths alone.
        int[] sizes = [.. Enumerable.Repeat(2, 101)];
        Network network = Network.Create(sizes, Activation.Tanh, Activation.Identity, seed: 1);
        string prefix = new('p', 1 << 20);
        using var stream = new MemoryStream();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<NotSupportedException>(() => network.SavePyTorch(stream, prefix));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < (1 << 20), $"SavePyTorch allocated {allocated} bytes before refusing the prefix");
        Assert.Equal(0, stream.Length);
    }

    /// <summary>A 3-4-2 network's state_dict: Linear 0, activation module 1, Linear 2.</summary>
    private static List<Entry> Linear2(string prefix = "") =>
        StateDict(Exact([3, 4, 2], s_two, seed: 3), "F32", prefix);

    private static ModelFormatException AssertFails(byte[] file, Activation[] activations, string prefix, ModelFormatError reason, params string[] mentions)
    {
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Load(file, activations, prefix));
        Assert.True(reason == e.Reason, $"expected {reason}, got {e.Reason}: {e.Message}");
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, e.Message, StringComparison.Ordinal);
        }

        return e;
    }
}
