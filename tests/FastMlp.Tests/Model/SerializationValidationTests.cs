// SerializationValidationTests: one hand-built corrupt file per rule of the loader (issue 6, "Model
// file"), each starting from the exact file of a tiny 2-2-1 network and breaking one thing. Each must
// fail with ModelFormatException, the rule's Reason and a message naming the tensor or field, and none
// may allocate much more than the file it reads.
using System.Buffers.Binary;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class SerializationValidationTests
{
    private static readonly string s_header = ModelFileBytes.TinyHeader;

    private static readonly Dictionary<string, (Func<Stream> Open, ModelFormatError Reason, string Fragment)> s_cases = new()
    {
        ["shorter than 8 bytes"] = (() => Seekable([1, 0, 0, 0, 0]), ModelFormatError.Truncated, "at least 8"),
        ["empty"] = (() => Seekable([]), ModelFormatError.Truncated, "at least 8"),
        ["header length over the cap"] = (() => Seekable(WithLength(1 << 20)), ModelFormatError.HeaderTooLarge, "header length"),
        ["header length u64 max"] = (() => Seekable(WithLength(ulong.MaxValue)), ModelFormatError.HeaderTooLarge, "header length"),
        ["header length past the end"] = (() => Seekable(WithLength(4000)), ModelFormatError.Truncated, "only"),
        ["header length past the end, non-seekable"] = (() => new NonSeekableStream(WithLength(4000)), ModelFormatError.Truncated, "ends after"),
        ["header length zero"] = (() => Seekable(WithLength(0)), ModelFormatError.InvalidHeader, "JSON"),
        ["header not UTF-8"] = (() => Seekable(ModelFileBytes.Build([.. "{\"a\xff\":1}"u8.ToArray(), 0xff], Data())), ModelFormatError.InvalidHeader, "UTF-8"),
        ["header not an object"] = (() => Seekable(ModelFileBytes.Build("[1,2]", Data())), ModelFormatError.InvalidHeader, "not a JSON object"),
        ["header a string"] = (() => Seekable(ModelFileBytes.Build("\"fastmlp\"", Data())), ModelFormatError.InvalidHeader, "not a JSON object"),
        ["header nested too deep"] = (() => Edit("\"shape\":[2,2]", "\"shape\":[[[[[[2]]]]]]"), ModelFormatError.InvalidHeader, "nested too deep"),
        ["header malformed"] = (() => Seekable(ModelFileBytes.Build(s_header[..^1], Data())), ModelFormatError.InvalidHeader, "well-formed"),
        ["header with trailing content"] = (() => Seekable(ModelFileBytes.Build(s_header + "{}", Data())), ModelFormatError.InvalidHeader, "well-formed"),
        ["header with a comment"] = (() => Seekable(ModelFileBytes.Build("/**/" + s_header, Data())), ModelFormatError.InvalidHeader, "well-formed"),
        ["lone surrogate escape"] = (() => Edit("\"W1\":", "\"\\ud800\":"), ModelFormatError.InvalidHeader, "invalid string"),
        ["duplicate tensor"] = (() => Edit("}}", "},\"b2\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[32,36]}}"), ModelFormatError.DuplicateKey, "\"b2\""),
        ["duplicate tensor field"] = (() => Edit("\"shape\":[2,2]", "\"shape\":[2,2],\"shape\":[2,2]"), ModelFormatError.DuplicateKey, "W1"),
        ["duplicate metadata key"] = (() => Edit("\"format\":\"fastmlp\"", "\"format\":\"fastmlp\",\"format\":\"fastmlp\""), ModelFormatError.DuplicateKey, "format"),
        ["missing tensor"] = (() => Edit(",\"b2\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[32,36]}", ""), ModelFormatError.MissingKey, "b2"),
        ["missing tensor field"] = (() => Edit(",\"data_offsets\":[0,16]", ""), ModelFormatError.MissingKey, "W1"),
        ["missing metadata"] = (() => Seekable(ModelFileBytes.Build("{" + s_header[(s_header.IndexOf("\"W1\"", StringComparison.Ordinal))..], Data())), ModelFormatError.MissingKey, "__metadata__"),
        ["missing metadata field"] = (() => Edit("\"layer_sizes\":\"2,2,1\",", ""), ModelFormatError.MissingKey, "layer_sizes"),
        ["metadata not an object"] = (() => Seekable(ModelFileBytes.Build("{\"__metadata__\":[]}", Data())), ModelFormatError.InvalidMetadata, "__metadata__"),
        ["unknown tensor"] = (() => Edit("}}", "},\"W3\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[36,40]}}", extraData: 4), ModelFormatError.UnknownKey, "W3"),
        ["unknown top-level key"] = (() => Edit("}}", "},\"weights\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[36,40]}}", extraData: 4), ModelFormatError.UnknownKey, "weights"),
        ["unknown tensor field"] = (() => Edit("\"shape\":[2],", "\"shape\":[2],\"extra\":1,"), ModelFormatError.UnknownKey, "extra"),
        ["unknown metadata key"] = (() => Edit("\"format\":\"fastmlp\",", "\"format\":\"fastmlp\",\"author\":\"x\","), ModelFormatError.UnknownKey, "author"),
        ["dtype not F32"] = (() => Edit("\"F32\",\"shape\":[2,1]", "\"F16\",\"shape\":[2,1]"), ModelFormatError.UnsupportedDtype, "W2"),
        ["dtype not a string"] = (() => Edit("\"F32\",\"shape\":[2,1]", "32,\"shape\":[2,1]"), ModelFormatError.UnsupportedDtype, "W2"),
        ["shape with three dimensions"] = (() => Edit("[2,2]", "[2,2,1]"), ModelFormatError.InvalidShape, "W1"),
        ["shape with no dimensions"] = (() => Edit("\"shape\":[1]", "\"shape\":[]"), ModelFormatError.InvalidShape, "b2"),
        ["shape negative"] = (() => Edit("[2,2]", "[-2,2]"), ModelFormatError.InvalidShape, "W1"),
        ["shape fractional"] = (() => Edit("[2,2]", "[2.5,2]"), ModelFormatError.InvalidShape, "W1"),
        ["shape not an array"] = (() => Edit("[2,2]", "\"2,2\""), ModelFormatError.InvalidShape, "W1"),
        ["shape product overflows"] = (() => Edit("[2,2]", "[4294967296,4294967296]"), ModelFormatError.InvalidShape, "overflows"),
        ["shape bytes overflow"] = (() => Edit("[2,2]", "[4611686018427387904,1]"), ModelFormatError.InvalidShape, "overflows"),
        ["offsets not from 0"] = (() => Edit("[0,16]", "[4,20]"), ModelFormatError.InvalidOffsets, "W1"),
        ["offsets with a gap"] = (() => Edit("[16,24]", "[20,28]"), ModelFormatError.InvalidOffsets, "b1"),
        ["offsets not matching the shape"] = (() => Edit("[32,36]", "[32,40]", extraData: 4), ModelFormatError.InvalidOffsets, "b2"),
        ["offsets reversed"] = (() => Edit("[32,36]", "[32,28]"), ModelFormatError.InvalidOffsets, "b2"),
        ["offsets with one entry"] = (() => Edit("[32,36]", "[32]"), ModelFormatError.InvalidOffsets, "b2"),
        ["trailing bytes"] = (() => Seekable([.. ModelFileBytes.Build(s_header, Data()), 0]), ModelFormatError.TrailingBytes, "b2"),
        ["trailing bytes, non-seekable"] = (() => new NonSeekableStream([.. ModelFileBytes.Build(s_header, Data()), 0]), ModelFormatError.TrailingBytes, "b2"),
        ["data truncated"] = (() => Seekable(ModelFileBytes.Build(s_header, Data()[..^4])), ModelFormatError.Truncated, "tensors need 36"),
        ["data truncated, non-seekable"] = (() => new NonSeekableStream(ModelFileBytes.Build(s_header, Data()[..^6])), ModelFormatError.Truncated, "W2"),
        ["shape not the architecture's"] = (() => Edit("[2,2]", "[4,1]"), ModelFormatError.ArchitectureMismatch, "W1"),
        ["weight shape transposed"] = (() => Edit("\"layer_sizes\":\"2,2,1\"", "\"layer_sizes\":\"3,2,1\"", edit2: ("[2,2],\"data_offsets\":[0,16]", "[2,3],\"data_offsets\":[0,24]"), extraData: 8), ModelFormatError.ArchitectureMismatch, "W1"),
        ["metadata value not a string"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":1"), ModelFormatError.InvalidMetadata, "format_version"),
        ["format_version not a number"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":\"one\""), ModelFormatError.InvalidMetadata, "format_version"),
        ["layer_sizes malformed"] = (() => Edit("\"2,2,1\"", "\"2,x,1\""), ModelFormatError.InvalidMetadata, "layer_sizes"),
        ["unknown activation"] = (() => Edit("\"Tanh\"", "\"Swish\""), ModelFormatError.UnknownActivation, "hidden_activation"),
        ["activation as a number"] = (() => Edit("\"Identity\"", "\"0\""), ModelFormatError.UnknownActivation, "output_activation"),
        ["activation in another case"] = (() => Edit("\"Tanh\"", "\"tanh\""), ModelFormatError.UnknownActivation, "hidden_activation"),
        ["format not fastmlp"] = (() => Edit("\"fastmlp\"", "\"onnx\""), ModelFormatError.WrongFormat, "format"),
        ["format_version newer"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":\"3\""), ModelFormatError.NewerVersion, "written by a newer FastMlp"),
        ["version 1 keys in a version 2 file"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":\"2\""), ModelFormatError.MissingKey, "activations"),
        ["format_version far newer"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":\"99999999999999999999\""), ModelFormatError.NewerVersion, "written by a newer FastMlp"),
        ["format_version zero"] = (() => Edit("\"format_version\":\"1\"", "\"format_version\":\"0\""), ModelFormatError.InvalidMetadata, "format_version"),
        ["Softmax hidden"] = (() => Edit("\"Tanh\"", "\"Softmax\""), ModelFormatError.InvalidArchitecture, "Softmax"),
        ["layer size zero"] = (() => Edit("\"2,2,1\"", "\"2,0,1\""), ModelFormatError.InvalidArchitecture, "layer_sizes"),
        ["one layer size"] = (() => Edit("\"2,2,1\"", "\"2\""), ModelFormatError.InvalidArchitecture, "layer_sizes"),
        ["too many parameters"] = (() => Edit("\"2,2,1\"", "\"2147483647,2147483647\""), ModelFormatError.InvalidArchitecture, "layer_sizes"),
        ["huge model, short seekable stream"] = (() => Seekable(Huge()), ModelFormatError.Truncated, "tensors need 800008000"),
        ["huge model, non-seekable stream"] = (() => new NonSeekableStream(Huge()), ModelFormatError.ModelTooLarge, "unknown length"),
        ["NaN weight"] = (() => Seekable(ModelFileBytes.Build(s_header, Data(2, float.NaN))), ModelFormatError.NonFiniteWeight, "W1"),
        ["infinite bias"] = (() => Seekable(ModelFileBytes.Build(s_header, Data(8, float.PositiveInfinity))), ModelFormatError.NonFiniteWeight, "b2"),
        ["negative infinite weight"] = (() => Seekable(ModelFileBytes.Build(s_header, Data(6, float.NegativeInfinity))), ModelFormatError.NonFiniteWeight, "W2"),
    };

    public static TheoryData<string> Rules() => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Corrupt_file_is_rejected_with_its_reason(string rule)
    {
        (Func<Stream> open, ModelFormatError reason, string fragment) = s_cases[rule];
        using Stream stream = open();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.Load(stream));
        Assert.Equal(reason, e.Reason);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Corrupt_file_allocates_little_more_than_its_size(string rule)
    {
        (Func<Stream> open, _, _) = s_cases[rule];
        using (Stream warm = open())
        {
            Assert.Throws<ModelFormatException>(() => Network.Load(warm));
        }

        using Stream stream = open();
        long size = stream is MemoryStream m ? m.Length : 0;
        long allocated = AllocationProbe.OnThisThread(
            () =>
            {
                if (stream.CanSeek)
                {
                    stream.Position = 0;
                }

                try
                {
                    Network.Load(stream);
                }
                catch (ModelFormatException)
                {
                }
            },
            calls: stream.CanSeek ? 3 : 1).MostInOneCall;
        Assert.True(allocated <= (4 * Math.Max(size, 64)) + (32 * 1024), $"{rule}: {allocated} bytes allocated for a {size}-byte file");
    }

    [Fact]
    public void Valid_tiny_file_loads_and_the_edit_helper_is_exact()
    {
        Network loaded = Network.Load(Edit("", ""));
        Assert.Equal([2, 2, 1], loaded.LayerSizes);
        Assert.Equal(Activation.Tanh, loaded.HiddenActivation);
        Assert.Equal(Activation.Identity, loaded.OutputActivation);
        Assert.Equal([0.5f, -1f, 2f, 0.25f, 0.125f, -0.5f, 1.5f, -2f, 0.75f], loaded.Parameters.ToArray());
    }

    [Fact]
    public void Load_from_a_path_validates_too()
    {
        using var directory = new TempDirectory();
        string path = directory.Write("bad.safetensors", ModelFileBytes.Build(s_header.Replace("\"F32\"", "\"F64\"", StringComparison.Ordinal), Data()));
        Assert.Equal(ModelFormatError.UnsupportedDtype, Assert.Throws<ModelFormatException>(() => Network.Load(path)).Reason);
    }

    private static MemoryStream Seekable(byte[] bytes) => new(bytes, writable: false);

    private static byte[] Data(int at = -1, float value = 0)
    {
        byte[] data = ModelFileBytes.TinyData();
        if (at >= 0)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at * 4), value);
        }

        return data;
    }

    /// <summary>The tiny file with its header length field replaced.</summary>
    private static byte[] WithLength(ulong length)
    {
        byte[] file = ModelFileBytes.Build(s_header, Data());
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        return file;
    }

    /// <summary>The tiny file with the first <paramref name="find"/> in its header replaced (it must occur).</summary>
    private static MemoryStream Edit(string find, string replace, (string Find, string Replace)? edit2 = null, int extraData = 0)
    {
        string header = s_header;
        if (find.Length > 0)
        {
            int at = header.IndexOf(find, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{find}' is not in the header");
            header = string.Concat(header.AsSpan(0, at), replace, header.AsSpan(at + find.Length));
        }

        if (edit2 is { } e)
        {
            int at = header.IndexOf(e.Find, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{e.Find}' is not in the header");
            header = string.Concat(header.AsSpan(0, at), e.Replace, header.AsSpan(at + e.Find.Length));
        }

        return Seekable(ModelFileBytes.Build(header, [.. Data(), .. new byte[extraData]]));
    }

    /// <summary>A valid header for a 100000-2000 network (800 MB of F32) followed by the tiny data.</summary>
    private static byte[] Huge() => ModelFileBytes.Build(
        "{\"__metadata__\":{\"format\":\"fastmlp\",\"format_version\":\"1\",\"layer_sizes\":\"100000,2000\",\"hidden_activation\":\"Relu\",\"output_activation\":\"Identity\"},"
        + "\"W1\":{\"dtype\":\"F32\",\"shape\":[100000,2000],\"data_offsets\":[0,800000000]},\"b1\":{\"dtype\":\"F32\",\"shape\":[2000],\"data_offsets\":[800000000,800008000]}}",
        Data());
}
