// SerializationRoundTripTests: Save then Load gives the same architecture, the same parameter bits, the
// same predictions and, saved again, the same bytes (issue 6, "Model file"); the exact header of a tiny
// network; non-seekable streams that hand out a few bytes per Read; atomic saves by path.
using System.Text;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model;

public sealed class SerializationRoundTripTests
{
    public sealed record SaveCase(int[] Sizes, Activation Hidden, Activation Output, int Seed)
    {
        public override string ToString() => $"[{string.Join(", ", Sizes)}] {Hidden}/{Output} seed {Seed}";
    }

    private static Gen<SaveCase> Cases { get; } =
        from layers in Gen.Choose(1, 4)
        from sizes in Gen.ArrayOf(Gen.Choose(1, 40), layers + 1)
        from hidden in Gen.Elements(Enum.GetValues<Activation>())
        from output in Gen.Elements(Enum.GetValues<Activation>())
        from seed in Gen.Choose(0, int.MaxValue)
        where hidden != Activation.Softmax || layers == 1
        select new SaveCase(sizes, hidden, output, seed);

    [Property(MaxTest = 150)]
    public Property Save_then_load_preserves_architecture_bits_predictions_and_bytes() =>
        Prop.ForAll(Arb.From(Cases), RoundTrips);

    [Fact]
    public void Tiny_network_header_is_exactly_the_expected_json()
    {
        byte[] file = ModelFileBytes.Save(ModelFileBytes.Tiny());
        string expected = ModelFileBytes.TinyHeader;
        int padded = (expected.Length + 7) & ~7;
        Assert.Equal((ulong)padded, BitConverter.ToUInt64(file, 0));
        Assert.Equal(expected + new string(' ', padded - expected.Length), Encoding.UTF8.GetString(file, 8, padded));
        Assert.Equal(ModelFileBytes.TinyData(), file[(8 + padded)..]);
        Assert.Equal(ModelFileBytes.Build(expected, ModelFileBytes.TinyData()), file);
    }

    [Fact]
    public void Non_seekable_stream_with_short_reads_loads()
    {
        Network original = Network.Create([5, 7, 3], Activation.Relu, Activation.Softmax, seed: 4);
        byte[] file = ModelFileBytes.Save(original);
        foreach (int maxRead in new[] { 1, 3, 7, 4096 })
        {
            Network loaded = Network.Load(new NonSeekableStream(file, maxRead));
            Assert.True(loaded.Parameters.SequenceEqual(original.Parameters));
            Assert.Equal(file, ModelFileBytes.Save(loaded));
        }
    }

    [Fact]
    public void Non_finite_weights_load_when_allowed()
    {
        Network original = ModelFileBytes.Tiny();
        original.Parameters[3] = float.NaN;
        original.Parameters[8] = float.NegativeInfinity;
        byte[] file = ModelFileBytes.Save(original);
        Network loaded = Network.Load(new MemoryStream(file), new ModelLoadOptions { AllowNonFiniteWeights = true });
        Assert.True(float.IsNaN(loaded.Parameters[3]));
        Assert.Equal(float.NegativeInfinity, loaded.Parameters[8]);
    }

    [Fact]
    public void Save_by_path_replaces_an_existing_file_and_leaves_no_temporary()
    {
        using var directory = new TempDirectory();
        string path = directory.Write("model.safetensors", [1, 2, 3]);
        Network network = Network.Create([3, 4, 2], Activation.Sigmoid, Activation.Identity, seed: 2);
        network.Save(path);
        Assert.Equal(ModelFileBytes.Save(network), File.ReadAllBytes(path));
        Assert.True(Network.Load(path).Parameters.SequenceEqual(network.Parameters));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Failed_save_by_path_leaves_the_previous_file_and_no_temporary()
    {
        using var directory = new TempDirectory();
        Network network = Network.Create([3, 2], Activation.Identity, Activation.Identity, seed: 3);

        // The target's directory does not exist: the temporary file cannot be created.
        string missing = Path.Combine(directory.Path, "absent", "model.safetensors");
        Assert.ThrowsAny<IOException>(() => network.Save(missing));
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));

        // The target is a directory: the rename fails after the temporary file was written, and it is deleted.
        string previous = directory.Write("keep.safetensors", [9, 9, 9]);
        string blocked = Path.Combine(directory.Path, "model.safetensors");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<Exception>(() => network.Save(blocked));
        Assert.True(Directory.Exists(blocked));
        Assert.Equal([9, 9, 9], File.ReadAllBytes(previous));
        Assert.Equal(["keep.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    private static bool RoundTrips(SaveCase c)
    {
        Network original = Network.Create(c.Sizes, c.Hidden, c.Output, c.Seed);
        RoundTripNetworks.FillOddBits(original.Parameters, c.Seed);

        byte[] file = ModelFileBytes.Save(original);
        Network loaded = Network.Load(new MemoryStream(file));

        return loaded.LayerSizes.SequenceEqual(original.LayerSizes)
            && loaded.HiddenActivation == original.HiddenActivation
            && loaded.OutputActivation == original.OutputActivation
            && RoundTripNetworks.BitsEqual(loaded.Parameters, original.Parameters)
            && RoundTripNetworks.PredictSameBits(original, loaded, c.Seed)
            && ModelFileBytes.Save(loaded).AsSpan().SequenceEqual(file);
    }
}
