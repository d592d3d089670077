// SerializationTensorOrderTests: the loader accepts the tensors in any order, as the safetensors format
// allows, and rejects offsets that do not tile the data exactly (issue 9, item 10).
//   - The committed fixture Fixtures/reference-order.safetensors (scripts/write-reference-order-model.py)
//     holds an 11-layer network in the reference writer's order (W1, W10, W11, W2, ..., b1, b10, ...)
//     with the metadata keys sorted: it loads as the same network, and it is byte for byte what
//     SafetensorsRewriter makes of FastMlp's own file in that order (so the script and the helper agree).
//   - FastMlp's own Save output is pinned by SHA-256 (computed at 8b1d845, before the reader accepted
//     other orders), so accepting other orders changed nothing FastMlp writes.
//   - Every one of the 24 data orders of a 2-layer network, listed in the header in data order and in
//     reverse, loads the same parameters from seekable and non-seekable streams.
//   - Offsets that overlap or leave a hole fail as InvalidOffsets naming the tensor (a hole after the
//     last tensor is TrailingBytes), as the reference implementation's Metadata::validate refuses them.
using System.Security.Cryptography;
using System.Text.Json;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using static FastMlp.Tests.Infrastructure.SafetensorsRewriter;

namespace FastMlp.Tests.Model;

public sealed class SerializationTensorOrderTests
{
    private static readonly int[] s_fixtureSizes = [3, 4, 2, 5, 1, 3, 2, 4, 3, 2, 2, 3];

    private static readonly string[] s_tinyNames = ["W1", "b1", "W2", "b2"];

    /// <summary>W1 [2,2] 16 bytes, b1 [2] 8, W2 [2,1] 8, b2 [1] 4: the tiny network's tensors and the offsets a case gives them.</summary>
    private static readonly Dictionary<string, ((long Begin, long End)[] Offsets, long DataLength, ModelFormatError Reason, string Fragment)> s_badOffsets = new()
    {
        ["b1 starts inside W1"] = ([(0, 16), (12, 20), (24, 32), (32, 36)], 36, ModelFormatError.InvalidOffsets, "b1"),
        ["b1 and W2 at the same offsets"] = ([(0, 16), (16, 24), (16, 24), (24, 28)], 36, ModelFormatError.InvalidOffsets, "overlap"),
        ["b2 inside W1"] = ([(0, 16), (16, 24), (24, 32), (4, 8)], 36, ModelFormatError.InvalidOffsets, "b2"),
        ["every tensor at 0"] = ([(0, 16), (0, 8), (0, 8), (0, 4)], 36, ModelFormatError.InvalidOffsets, "overlap"),
        ["W2 overlaps b1, out of order"] = ([(20, 36), (0, 8), (4, 12), (12, 16)], 36, ModelFormatError.InvalidOffsets, "W2"),
        ["hole before the first tensor"] = ([(4, 20), (20, 28), (28, 36), (36, 40)], 40, ModelFormatError.InvalidOffsets, "[0, 4)"),
        ["hole between b1 and W2"] = ([(0, 16), (16, 24), (28, 36), (36, 40)], 40, ModelFormatError.InvalidOffsets, "[24, 28)"),
        ["hole between tensors out of order"] = ([(24, 40), (0, 8), (12, 20), (8, 12)], 40, ModelFormatError.InvalidOffsets, "[20, 24)"),
        ["hole after the last tensor"] = ([(0, 16), (16, 24), (24, 32), (32, 36)], 40, ModelFormatError.TrailingBytes, "follow the last tensor"),
    };

    public static TheoryData<string> BadOffsets() => [.. s_badOffsets.Keys];

    [Fact]
    public void Fastmlp_save_output_is_byte_identical_to_before()
    {
        // Saved at 8b1d845; the same 1,908 bytes as the script's layout with FastMlp's order (W1, b1, W2, ...) and key order.
        byte[] file = ModelFileBytes.Save(FixtureNetwork());
        Assert.Equal(1908, file.Length);
        Assert.Equal("254a49a86e4b7a08ffa4fe46f1b061ab54b47cef0a1ae6ac81f8d0d48ad7ef4d", Convert.ToHexStringLower(SHA256.HashData(file)));
    }

    [Fact]
    public void Reference_writer_order_fixture_loads_as_the_same_network()
    {
        byte[] fixture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Model", "Fixtures", "reference-order.safetensors"));
        Network expected = FixtureNetwork();
        byte[] own = ModelFileBytes.Save(expected);

        // The fixture really is in the reference order: tensors by name in ordinal order, offsets increasing.
        using (JsonDocument header = JsonDocument.Parse(ModelFileBytes.Split(fixture).Header))
        {
            string[] names = [.. header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__")];
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            Assert.Equal(["W1", "W10", "W11", "W2"], names[..4]);
            long[] begins = [.. header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Value.GetProperty("data_offsets")[0].GetInt64())];
            Assert.Equal(begins.Order(), begins);
        }

        string[] sortedNames = [.. Parse(own).Tensors.Select(t => t.Name).Order(StringComparer.Ordinal)];
        string[] sortedKeys = [.. Parse(own).Metadata.Select(m => m.Key).Order(StringComparer.Ordinal)];
        Assert.Equal(Rewrite(own, sortedNames, metadataOrder: sortedKeys), fixture);
        Assert.NotEqual(own, fixture);

        foreach (Stream stream in new Stream[] { new MemoryStream(fixture, writable: false), new NonSeekableStream(fixture, maxRead: 5) })
        {
            Network loaded = Network.Load(stream);
            Assert.Equal(s_fixtureSizes, loaded.LayerSizes);
            Assert.Equal(Activation.Tanh, loaded.HiddenActivation);
            Assert.Equal(Activation.Identity, loaded.OutputActivation);
            MlpAssert.BitIdentical(expected.Parameters, loaded.Parameters, "parameters loaded from the reference-order fixture");
            Assert.Equal(own, ModelFileBytes.Save(loaded));
        }
    }

    [Fact]
    public void Every_order_of_the_tensors_loads_the_same_parameters()
    {
        byte[] own = ModelFileBytes.Save(ModelFileBytes.Tiny());
        int orders = 0;
        foreach (string[] order in Permutations(s_tinyNames))
        {
            foreach (string[] headerOrder in new[] { order, [.. order.Reverse()] })
            {
                byte[] file = Rewrite(own, order, headerOrder);
                foreach (Stream stream in new Stream[] { new MemoryStream(file, writable: false), new NonSeekableStream(file, maxRead: 3) })
                {
                    Network loaded = Network.Load(stream);
                    MlpAssert.BitIdentical(ModelFileBytes.Tiny().Parameters, loaded.Parameters, $"data order {string.Join(",", order)}, header order {string.Join(",", headerOrder)}");
                    Assert.Equal(own, ModelFileBytes.Save(loaded));
                }

                orders++;
            }
        }

        Assert.Equal(48, orders);
    }

    [Theory]
    [MemberData(nameof(BadOffsets))]
    public void Offsets_that_do_not_tile_the_data_are_rejected(string name)
    {
        ((long Begin, long End)[] offsets, long dataLength, ModelFormatError reason, string fragment) = s_badOffsets[name];
        (List<KeyValuePair<string, string>> metadata, List<Tensor> tensors) = Parse(ModelFileBytes.Save(ModelFileBytes.Tiny()));
        Entry[] entries = [.. tensors.Select((t, i) => new Entry(t, offsets[i].Begin, offsets[i].End))];
        byte[] file = Write(metadata, entries, dataLength, new Style());
        foreach (Stream stream in new Stream[] { new MemoryStream(file, writable: false), new NonSeekableStream(file) })
        {
            ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.Load(stream));
            Assert.Equal(reason, e.Reason);
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The fixture's network: parameter i is ((37 i) mod 101 − 50) / 16, as the script writes it.</summary>
    private static Network FixtureNetwork()
    {
        Network network = Network.Create(s_fixtureSizes, Activation.Tanh, Activation.Identity, seed: 0);
        Span<float> p = network.Parameters;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (((37 * i) % 101) - 50) / 16f;
        }

        return network;
    }

    private static IEnumerable<string[]> Permutations(string[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((first, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (string[])[first, .. rest]));
}
