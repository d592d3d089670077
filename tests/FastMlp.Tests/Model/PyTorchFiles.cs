// PyTorchFiles: builds safetensors state_dict files by hand, by the format's published rules, independently
// of the library's writer: tensors sorted by descending dtype alignment (F32, BF16, F16, as safetensors'
// Dtype enum orders them), then by name (UTF-8 bytes); data laid out in that order from offset 0; the header
// JSON compact with __metadata__ first, padded with spaces to a multiple of 8. F16 values are written with
// System.Half's rounding and BF16 by truncation, so tests pass values exact in both. Also the expected
// nn.Sequential state_dict of a FastMlp network, computed from its parameters (weight = Wᵀ).
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

internal static class PyTorchFiles
{
    /// <summary>One tensor: its key, dtype ("F32", "F16", "BF16" or any other name, written as 4-byte elements), shape and row-major values.</summary>
    public sealed record Entry(string Name, string Dtype, int[] Shape, float[] Values);

    /// <summary>The reference writer's order of dtypes: descending alignment, F32 before BF16 before F16 (unknown names first).</summary>
    private static int DtypeRank(string dtype) => dtype switch
    {
        "F32" => 1,
        "BF16" => 2,
        "F16" => 3,
        _ => 0,
    };

    public static int ElementSize(string dtype) => dtype is "F16" or "BF16" ? 2 : 4;

    /// <summary>The file for <paramref name="entries"/> in the reference writer's order, with <paramref name="metadata"/> (null: none).</summary>
    public static byte[] Build(IEnumerable<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Entry[] sorted = [.. entries.OrderBy(e => DtypeRank(e.Dtype)).ThenBy(e => e.Name, StringComparer.Ordinal)];
        var header = new StringBuilder("{");
        if (metadata is not null)
        {
            header.Append("\"__metadata__\":").Append(JsonSerializer.Serialize(metadata)).Append(',');
        }

        var data = new MemoryStream();
        foreach (Entry e in sorted)
        {
            long begin = data.Length;
            foreach (float v in e.Values)
            {
                data.Write(Encode(v, e.Dtype));
            }

            header.Append(Quoted(e.Name)).Append(":{\"dtype\":\"").Append(e.Dtype).Append("\",\"shape\":[")
                .Append(string.Join(',', e.Shape)).Append("],\"data_offsets\":[").Append(begin).Append(',').Append(data.Length).Append("]},");
        }

        if (header[^1] == ',')
        {
            header.Length--;
        }

        header.Append('}');
        return ModelFileBytes.Build(header.ToString(), data.ToArray());
    }

    /// <summary>A JSON string as serde_json (the reference writer) writes it: only quote, backslash and controls below U+0020 escaped.</summary>
    public static string Quoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    public static byte[] Encode(float value, string dtype)
    {
        byte[] bytes = new byte[ElementSize(dtype)];
        switch (dtype)
        {
            case "F16":
                BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value);
                break;
            case "BF16":
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16));
                break;
            default:
                BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
                break;
        }

        return bytes;
    }

    /// <summary>
    /// The nn.Sequential state_dict of <paramref name="network"/> in <paramref name="dtype"/>: layer l's Linear at
    /// its module index (one more per non-Identity activation before it), weight[o, i] = W[i, o], bias b.
    /// </summary>
    public static List<Entry> StateDict(Network network, string dtype = "F32", string prefix = "")
    {
        var entries = new List<Entry>();
        ReadOnlySpan<float> p = network.Parameters;
        int offset = 0, index = 0;
        for (int l = 0; l + 1 < network.LayerSizes.Count; l++)
        {
            int inputs = network.LayerSizes[l], outputs = network.LayerSizes[l + 1];
            float[] weight = new float[inputs * outputs];
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    weight[(o * inputs) + i] = p[offset + (i * outputs) + o];
                }
            }

            offset += inputs * outputs;
            entries.Add(new Entry($"{prefix}{index}.weight", dtype, [outputs, inputs], weight));
            entries.Add(new Entry($"{prefix}{index}.bias", dtype, [outputs], p.Slice(offset, outputs).ToArray()));
            offset += outputs;
            index += network.Activations[l] == Activation.Identity ? 1 : 2;
        }

        return entries;
    }

    /// <summary>A network of <paramref name="sizes"/> and <paramref name="activations"/> whose parameters are small multiples of 1/8 (exact in F16 and BF16).</summary>
    public static Network Exact(int[] sizes, Activation[] activations, int seed)
    {
        Network network = Network.Create(sizes, activations, seed);
        var random = new Random(seed);
        Span<float> p = network.Parameters;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = random.Next(-16, 17) / 8f;
        }

        return network;
    }

    public static byte[] Save(Network network, string prefix = "")
    {
        using var stream = new MemoryStream();
        network.SavePyTorch(stream, prefix);
        return stream.ToArray();
    }

    /// <summary>Network.LoadPyTorch on <paramref name="file"/>.</summary>
    public static Network Load(byte[] file, Activation[] activations, string prefix = "") =>
        Network.LoadPyTorch(new MemoryStream(file), activations, prefix);
}
