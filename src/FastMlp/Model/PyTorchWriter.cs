// PyTorchWriter: a Network as the safetensors file of an nn.Sequential state_dict, byte for byte what
// safetensors.torch.save_file(model.state_dict(), path, metadata={"format": "pt"}) writes. Layer l is the
// nn.Linear at module index PyTorchLayout.Indices(...)[l]: tensors <prefix><index>.weight [out, in] (the transpose
// of W_l [in, out]) and <prefix><index>.bias [out], F32. The reference writer (safetensors' Rust
// prepare/serialize) sorts tensors by dtype, then name (ordinal: 0.bias, 0.weight, 10.bias, 2.bias, ...),
// lays out the data in that order from offset 0, writes __metadata__ first when given one (save_file passes
// none unless asked; transformers' save_pretrained passes {"format":"pt"} and its loaders check it;
// load_file ignores it), serializes the header with serde_json (compact; only quote, backslash and controls
// escaped) and pads it with spaces to a multiple of 8 bytes. This writer does the same, so the same network
// and prefix give the same bytes. Everything that can fail is checked before the first byte is written.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace FastMlp;

internal static class PyTorchWriter
{
    /// <summary>The tensors in file order: sorted by name (all are F32), each with its layer and whether it is the weight.</summary>
    public static (string Name, int Layer, bool Weight)[] Tensors(IReadOnlyList<Activation> activations, string keyPrefix)
    {
        var tensors = new (string Name, int Layer, bool Weight)[2 * activations.Count];
        long[] indices = PyTorchLayout.Indices(activations);
        for (int l = 0; l < indices.Length; l++)
        {
            string module = keyPrefix + indices[l].ToString(CultureInfo.InvariantCulture);
            tensors[2 * l] = (module + ".weight", l, true);
            tensors[(2 * l) + 1] = (module + ".bias", l, false);
        }

        // The names differ only after the shared prefix, in ASCII, so UTF-16 ordinal order is the reference's UTF-8 byte order.
        Array.Sort(tensors, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
        return tensors;
    }

    /// <summary>The padded header for <paramref name="network"/>'s tensors in <paramref name="tensors"/>' order.</summary>
    /// <exception cref="NotSupportedException">The header would be longer than <see cref="SafetensorsReader.MaxHeaderLength"/> allows, so the file would not load again.</exception>
    public static byte[] Header(Network network, (string Name, int Layer, bool Weight)[] tensors)
    {
        ParameterLayout layout = network.Layout;
        long dataBytes = 4L * layout.Count;

        // serde_json's compact form, as the reference writer emits it: no whitespace, tensor fields in TensorInfo's order.
        var json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach ((string name, int l, bool weight) in tensors)
        {
            long bytes = 4L * (weight ? (long)layout.In(l) * layout.Out(l) : layout.Out(l));
            json.Append(',');
            AppendString(json, name);
            json.Append(":{\"dtype\":\"F32\",\"shape\":[");
            json.Append(weight ? FormattableString.Invariant($"{layout.Out(l)},{layout.In(l)}") : layout.Out(l).ToString(CultureInfo.InvariantCulture));
            json.Append(CultureInfo.InvariantCulture, $"],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }

        json.Append('}');
        byte[] header = SafetensorsWriter.Padded(Encoding.UTF8.GetBytes(json.ToString()));
        if (header.Length > SafetensorsReader.MaxHeaderLength(dataBytes))
        {
            throw TooLong(header.Length, dataBytes);
        }

        return header;
    }

    /// <summary>
    /// Refuses a header that could not load back from the lengths alone, before any key is built (a long prefix
    /// times many layers would otherwise be built in full first). Each entry has at least its name plus 50 bytes
    /// ("":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},), the metadata 32; a name's UTF-16 length is at most
    /// its UTF-8 length, so this is a lower bound of the header's bytes.
    /// </summary>
    /// <exception cref="NotSupportedException">Even that lower bound is over <see cref="SafetensorsReader.MaxHeaderLength"/>.</exception>
    public static void CheckHeaderCanFit(Network network, string keyPrefix)
    {
        long dataBytes = 4L * network.Layout.Count;
        long least = 2 + 32;
        foreach (long index in PyTorchLayout.Indices(network.Activations))
        {
            long module = keyPrefix.Length + index.ToString(CultureInfo.InvariantCulture).Length;
            least += (2 * module) + ".weight".Length + ".bias".Length + 100;
        }

        if (least > SafetensorsReader.MaxHeaderLength(dataBytes))
        {
            throw TooLong(least, dataBytes);
        }
    }

    /// <summary>Writes the whole file; the header is built (and may throw) before anything is written.</summary>
    public static void Write(Network network, Stream stream, string keyPrefix)
    {
        CheckHeaderCanFit(network, keyPrefix);
        (string Name, int Layer, bool Weight)[] tensors = Tensors(network.Activations, keyPrefix);
        byte[] header = Header(network, tensors);
        SafetensorsWriter.WriteHeader(stream, header);

        ReadOnlySpan<float> parameters = network.Parameters;
        ParameterLayout layout = network.Layout;
        Span<float> chunk = stackalloc float[1024];
        foreach ((_, int l, bool weight) in tensors)
        {
            if (weight)
            {
                // weight[o, i] = W[i, o]: row o of the file is column o of W, gathered a chunk at a time.
                ReadOnlySpan<float> w = parameters.Slice(layout.WeightOffset(l), layout.In(l) * layout.Out(l));
                int inputs = layout.In(l), outputs = layout.Out(l);
                int filled = 0;
                for (int o = 0; o < outputs; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        chunk[filled++] = w[(i * outputs) + o];
                        if (filled == chunk.Length)
                        {
                            WriteFloats(stream, chunk);
                            filled = 0;
                        }
                    }
                }

                WriteFloats(stream, chunk[..filled]);
            }
            else
            {
                ReadOnlySpan<float> b = parameters.Slice(layout.BiasOffset(l), layout.Out(l));
                for (int first = 0; first < b.Length; first += chunk.Length)
                {
                    int count = Math.Min(chunk.Length, b.Length - first);
                    b.Slice(first, count).CopyTo(chunk);
                    WriteFloats(stream, chunk[..count]);
                }
            }
        }
    }

    /// <summary>Writes <paramref name="values"/> as little-endian F32, swapping in place on big-endian hosts.</summary>
    private static void WriteFloats(Stream stream, Span<float> values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(values);
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        stream.Write(MemoryMarshal.AsBytes(values));
    }

    /// <summary>
    /// A JSON string as serde_json writes it: quote, backslash and the C0 controls escaped (\b \t \n \f \r by
    /// name, the rest as \u00xx in lower-case hex), everything else as it is (UTF-8 in the file).
    /// </summary>
    internal static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\b':
                    json.Append("\\b");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\f':
                    json.Append("\\f");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                case < ' ':
                    json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }

    private static NotSupportedException TooLong(long header, long dataBytes) =>
        new($"The state_dict header would have at least {header} bytes; with {dataBytes} bytes of tensor data LoadPyTorch reads at most {SafetensorsReader.MaxHeaderLength(dataBytes)} (use a shorter key prefix).");
}
