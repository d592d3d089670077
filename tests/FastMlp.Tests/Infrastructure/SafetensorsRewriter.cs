// SafetensorsRewriter: writes the tensors of a model file again the way another safetensors writer may:
// the data in any tensor order (offsets tiling the buffer from 0 in that order), the header listing the
// metadata keys, the tensors and each tensor's fields in any order, with JSON whitespace between tokens
// and any trailing space padding. Every such file follows the format's published rules, so a reader must
// load it as the same network. Entries can also be placed at arbitrary offsets, to build the files whose
// offsets overlap or leave holes.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FastMlp.Tests.Infrastructure;

internal static class SafetensorsRewriter
{
    /// <summary>A tensor of a model file: its name, dtype, shape and bytes.</summary>
    public sealed record Tensor(string Name, string Dtype, long[] Shape, byte[] Bytes);

    /// <summary>A tensor's header entry: the tensor and the data_offsets the header gives it.</summary>
    public sealed record Entry(Tensor Tensor, long Begin, long End);

    /// <summary>How the header text is laid out.</summary>
    public sealed record Style
    {
        /// <summary>Whitespace written between every two JSON tokens.</summary>
        public string Space { get; init; } = "";

        /// <summary>Write each tensor's fields as data_offsets, shape, dtype instead of dtype, shape, data_offsets.</summary>
        public bool FieldsReversed { get; init; }

        /// <summary>Spaces after the JSON; null pads to a multiple of 8 bytes, as the reference writer does.</summary>
        public int? Padding { get; init; }
    }

    /// <summary>The metadata (in header order) and the tensors (in data order) of a well-formed file.</summary>
    public static (List<KeyValuePair<string, string>> Metadata, List<Tensor> Tensors) Parse(byte[] file)
    {
        (string header, byte[] data) = ModelFileBytes.Split(file);
        using JsonDocument document = JsonDocument.Parse(header);
        var metadata = new List<KeyValuePair<string, string>>();
        var tensors = new List<(long Begin, Tensor Tensor)>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                metadata.AddRange(property.Value.EnumerateObject().Select(m => KeyValuePair.Create(m.Name, m.Value.GetString()!)));
                continue;
            }

            JsonElement offsets = property.Value.GetProperty("data_offsets");
            long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
            long[] shape = [.. property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())];
            tensors.Add((begin, new Tensor(property.Name, property.Value.GetProperty("dtype").GetString()!, shape, data[(int)begin..(int)end])));
        }

        return (metadata, [.. tensors.OrderBy(t => t.Begin).Select(t => t.Tensor)]);
    }

    /// <summary>
    /// <paramref name="file"/> with its data in <paramref name="dataOrder"/> (tensor names, offsets tiling from 0),
    /// its header listing the tensors in <paramref name="headerOrder"/> (default: the data order) and the metadata
    /// keys in <paramref name="metadataOrder"/> (default: as in <paramref name="file"/>).
    /// </summary>
    public static byte[] Rewrite(byte[] file, IEnumerable<string> dataOrder, IEnumerable<string>? headerOrder = null, IEnumerable<string>? metadataOrder = null, Style? style = null)
    {
        (List<KeyValuePair<string, string>> metadata, List<Tensor> tensors) = Parse(file);
        Dictionary<string, Tensor> byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        long offset = 0;
        foreach (string name in dataOrder)
        {
            Tensor tensor = byName[name];
            entries.Add(name, new Entry(tensor, offset, offset + tensor.Bytes.Length));
            offset += tensor.Bytes.Length;
        }

        Assert.Equal(tensors.Count, entries.Count);
        if (metadataOrder is not null)
        {
            Dictionary<string, string> values = metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            metadata = [.. metadataOrder.Select(k => KeyValuePair.Create(k, values[k]))];
        }

        return Write(metadata, [.. (headerOrder ?? entries.Keys).Select(n => entries[n])], offset, style ?? new Style());
    }

    /// <summary>A file whose header lists <paramref name="entries"/> in order, each tensor's bytes placed at its Begin in data of <paramref name="dataLength"/> bytes.</summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<Entry> entries, long dataLength, Style style)
    {
        string s = style.Space;
        var json = new StringBuilder();
        json.Append('{').Append(s).Append(Quote("__metadata__")).Append(s).Append(':').Append(s).Append('{');
        for (int i = 0; i < metadata.Count; i++)
        {
            json.Append(s).Append(Quote(metadata[i].Key)).Append(s).Append(':').Append(s).Append(Quote(metadata[i].Value)).Append(s).Append(i + 1 < metadata.Count ? "," : "");
        }

        json.Append(s).Append('}');
        byte[] data = new byte[dataLength];
        foreach (Entry entry in entries)
        {
            string dtype = $"{Quote("dtype")}{s}:{s}{Quote(entry.Tensor.Dtype)}";
            string shape = $"{Quote("shape")}{s}:{s}[{s}{string.Join($"{s},{s}", entry.Tensor.Shape)}{s}]";
            string offsets = string.Create(CultureInfo.InvariantCulture, $"{Quote("data_offsets")}{s}:{s}[{s}{entry.Begin}{s},{s}{entry.End}{s}]");
            string[] fields = style.FieldsReversed ? [offsets, shape, dtype] : [dtype, shape, offsets];
            json.Append(s).Append(',').Append(s).Append(Quote(entry.Tensor.Name)).Append(s).Append(':').Append(s)
                .Append('{').Append(s).Append(string.Join($"{s},{s}", fields)).Append(s).Append('}');
            if (entry.End - entry.Begin == entry.Tensor.Bytes.Length && entry.End <= dataLength)
            {
                entry.Tensor.Bytes.CopyTo(data, entry.Begin);
            }
        }

        json.Append(s).Append('}');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        int padding = style.Padding ?? (((header.Length + 7) & ~7) - header.Length);
        return ModelFileBytes.Build([.. header, .. Enumerable.Repeat((byte)' ', padding)], data, pad: false);
    }

    private static string Quote(string text)
    {
        Assert.True(text.IndexOfAny(['"', '\\']) < 0 && text.All(c => c >= ' ' && c < 127), $"'{text}' needs escaping");
        return "\"" + text + "\"";
    }
}
