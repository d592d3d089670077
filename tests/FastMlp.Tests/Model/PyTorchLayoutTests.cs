// PyTorchLayoutTests: SavePyTorch's bytes are the published layout (issue 15), written out here by hand: the
// 8-byte little-endian header length; the compact header JSON with __metadata__ {"format":"pt"} first, then the
// tensors sorted by name (0.bias before 0.weight, 10.* before 2.*), each {"dtype":"F32","shape":[out, in] or
// [out],"data_offsets":[begin,end]} with offsets back to back from 0 in that order; spaces to a multiple of 8;
// then the data: each weight row-major [out, in], the transpose of FastMlp's W [in, out]. Modules are numbered
// as nn.Sequential numbers them: an index per Linear and per non-Identity activation.
using System.Buffers.Binary;
using System.Text;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class PyTorchLayoutTests
{
    [Fact]
    public void Tiny_network_gives_exactly_the_published_bytes()
    {
        // The 2-2-1 Tanh/Identity network: W1 = [[0.5, -1], [2, 0.25]] ([in, out]), b1 = [0.125, -0.5], W2 = [[1.5], [-2]], b2 = [0.75].
        string json = "{'__metadata__':{'format':'pt'},"
            + "'0.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
            + "'0.weight':{'dtype':'F32','shape':[2,2],'data_offsets':[8,24]},"
            + "'2.bias':{'dtype':'F32','shape':[1],'data_offsets':[24,28]},"
            + "'2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[28,36]}}";
        json = json.Replace('\'', '"');
        int padded = (json.Length + 7) & ~7;

        // 0.bias, then 0.weight = W1ᵀ row-major ([[0.5, 2], [-1, 0.25]]), 2.bias, 2.weight = W2ᵀ ([[1.5, -2]]).
        byte[] data = ModelFileBytes.FloatBytes([0.125f, -0.5f, 0.5f, 2f, -1f, 0.25f, 0.75f, 1.5f, -2f]);
        byte[] file = PyTorchFiles.Save(ModelFileBytes.Tiny());

        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(file));
        Assert.Equal(json + new string(' ', padded - json.Length), Encoding.UTF8.GetString(file, 8, padded));
        Assert.Equal(data, file[(8 + padded)..]);
    }

    [Fact]
    public void Module_indices_count_each_non_identity_activation_and_keys_sort_by_name()
    {
        // Linears at 0, 2 (after Relu), 3 (after Identity), 5 (after Gelu), 7, 9, 11: "11.*" sorts before "2.*".
        Activation[] activations = [Activation.Relu, Activation.Identity, Activation.Gelu, Activation.Silu, Activation.Tanh, Activation.LeakyRelu, Activation.Softmax];
        Network network = Network.Create([2, 3, 2, 3, 2, 3, 2, 2], activations, seed: 1);
        (string header, _) = ModelFileBytes.Split(PyTorchFiles.Save(network, "m."));
        string[] expected = ["m.0.bias", "m.0.weight", "m.11.bias", "m.11.weight", "m.2.bias", "m.2.weight", "m.3.bias", "m.3.weight", "m.5.bias", "m.5.weight", "m.7.bias", "m.7.weight", "m.9.bias", "m.9.weight"];
        using var document = System.Text.Json.JsonDocument.Parse(header);
        Assert.Equal(["__metadata__", .. expected], document.RootElement.EnumerateObject().Select(p => p.Name));

        // Offsets tile the data in key order.
        long offset = 0;
        foreach (string key in expected)
        {
            System.Text.Json.JsonElement offsets = document.RootElement.GetProperty(key).GetProperty("data_offsets");
            Assert.Equal(offset, offsets[0].GetInt64());
            offset = offsets[1].GetInt64();
        }

        Assert.Equal(4L * network.Parameters.Length, offset);
    }
}
