// SerializationHeaderLimitTests: every network Network.Create accepts saves and loads again, however
// many layers it has (issue 9, item 7: a 520-layer header used to exceed a fixed 64 KiB cap). The
// header may be up to 64 KiB plus 32 bytes per byte of tensor data (each tensor has at least 4 bytes of
// data and FastMlp writes at most 128 header bytes per tensor), so the limit grows with the
// architecture and stays bounded by the file. Checked: 1,000 layers; width-1 networks, the most header
// per data byte, from 1 to 20,000 layers; a header padded to exactly the limit loads and one byte
// more is HeaderTooLarge, from seekable and non-seekable streams. A header has to fit in one array, so a
// network of more than about 10.6 million layers cannot be saved: Save refuses it before writing a byte.
using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using static FastMlp.Tests.Infrastructure.SafetensorsRewriter;

namespace FastMlp.Tests.Model;

public sealed class SerializationHeaderLimitTests
{
    private const int OldCap = 64 * 1024;

    [Fact]
    public void A_1000_layer_network_saves_and_loads()
    {
        int[] sizes = [.. Enumerable.Range(0, 1001).Select(i => 1 + (i % 3))];
        Network original = Network.Create(sizes, Activation.Tanh, Activation.Sigmoid, seed: 9);
        byte[] file = ModelFileBytes.Save(original);
        Assert.True(ModelFileBytes.Split(file).Header.Length > OldCap, "the header should be past the old 64 KiB cap");

        foreach (Stream stream in new Stream[] { new MemoryStream(file, writable: false), new NonSeekableStream(file, maxRead: 4096) })
        {
            Network loaded = Network.Load(stream);
            Assert.Equal(sizes, loaded.LayerSizes);
            MlpAssert.BitIdentical(original.Parameters, loaded.Parameters, "1000-layer parameters");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(5_000)]
    [InlineData(20_000)]
    public void Width_one_networks_of_any_depth_round_trip(int layers)
    {
        Network original = Network.Create(Enumerable.Repeat(1, layers + 1).ToArray(), Activation.Relu, Activation.Identity, seed: layers);
        byte[] file = ModelFileBytes.Save(original);
        int header = ModelFileBytes.Split(file).Header.Length;
        long data = 4L * original.Parameters.Length;
        Assert.True(header <= OldCap + (32 * data), $"{layers} layers: a {header}-byte header for {data} data bytes");

        Network loaded = Network.Load(new MemoryStream(file, writable: false));
        Assert.Equal(layers, loaded.LayerSizes.Count - 1);
        MlpAssert.BitIdentical(original.Parameters, loaded.Parameters, $"{layers}-layer parameters");
    }

    [Fact]
    public void A_header_padded_to_the_limit_loads_and_one_byte_more_is_too_large()
    {
        byte[] own = ModelFileBytes.Save(ModelFileBytes.Tiny());
        (List<KeyValuePair<string, string>> metadata, List<Tensor> tensors) = Parse(own);
        int json = ModelFileBytes.TinyHeader.Length;
        long data = ModelFileBytes.TinyData().Length;
        long limit = OldCap + (32 * data);
        string[] order = [.. tensors.Select(t => t.Name)];

        byte[] atLimit = Rewrite(own, order, style: new Style { Padding = (int)(limit - json) });
        byte[] overLimit = Rewrite(own, order, style: new Style { Padding = (int)(limit - json + 1) });
        Assert.Equal(8 + limit + data, atLimit.Length);
        foreach (Func<byte[], Stream> open in new Func<byte[], Stream>[] { f => new MemoryStream(f, writable: false), f => new NonSeekableStream(f, maxRead: 1000) })
        {
            Network loaded = Network.Load(open(atLimit));
            MlpAssert.BitIdentical(ModelFileBytes.Tiny().Parameters, loaded.Parameters, "parameters under a header at the limit");

            ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.Load(open(overLimit)));
            Assert.Equal(ModelFormatError.HeaderTooLarge, e.Reason);
            Assert.Contains($"at most {limit}", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_network_whose_header_cannot_fit_in_one_array_is_refused_before_writing()
    {
        int layers = ((Array.MaxLength - OldCap) / 202) + 1;
        Network deep = Network.Create(Enumerable.Repeat(1, layers + 1).ToArray(), Activation.Identity, Activation.Identity, seed: 1);
        using var stream = new MemoryStream();
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => deep.Save(stream));
        Assert.Contains($"{layers} layers", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }
}
