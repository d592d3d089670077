// SafetensorsWriter: a Network as a safetensors file. 8-byte little-endian header length N, N bytes of
// UTF-8 JSON, then W1, b1, W2, b2, ... as little-endian F32, contiguous from offset 0 in that order
// (exactly Network.Parameters). The header has a fixed key order and no whitespace, padded with spaces
// to a multiple of 8 bytes as the reference implementation does, so the same model gives the same bytes.
// A header must fit in one array: networks of more than MaxLayers layers are refused before anything is written.
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FastMlp;

internal static class SafetensorsWriter
{
    /// <summary>
    /// The newest format_version this library reads and writes. Version 1 stores hidden_activation and
    /// output_activation; version 2 (issue 14) one activation per layer in "activations". A network whose hidden
    /// layers share one activation is written as version 1, byte for byte as before, so older readers still load it.
    /// </summary>
    public const int FormatVersion = 2;

    public const string FormatName = "fastmlp";

    /// <summary>
    /// The most layers a file holds: at most 202 header bytes a layer (as SafetensorsReader.HeaderBytesPerDataByte counts) and
    /// the metadata (under HeaderBase) then fit in one array, and the reader accepts every such header.
    /// </summary>
    public static readonly int MaxLayers = (Array.MaxLength - SafetensorsReader.HeaderBase) / 202;

    /// <summary>The header bytes (JSON plus space padding) for a network of these sizes and activations.</summary>
    public static byte[] Header(ParameterLayout layout, IReadOnlyList<int> sizes, IReadOnlyList<Activation> activations, Activation? hidden)
    {
        if (layout.Layers > MaxLayers)
        {
            throw new NotSupportedException($"The network has {layout.Layers} layers; a FastMlp model file holds at most {MaxLayers} (its header must fit in one array).");
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", FormatName);
            json.WriteString("format_version", hidden is null ? "2" : "1");
            json.WriteString("layer_sizes", string.Join(',', sizes.Select(s => s.ToString(CultureInfo.InvariantCulture))));
            if (hidden is { } common)
            {
                json.WriteString("hidden_activation", common.ToString());
                json.WriteString("output_activation", activations[^1].ToString());
            }
            else
            {
                json.WriteString("activations", string.Join(',', activations));
            }
            json.WriteEndObject();
            for (int l = 0; l < layout.Layers; l++)
            {
                long wBegin = 4L * layout.WeightOffset(l);
                long bBegin = 4L * layout.BiasOffset(l);
                long bEnd = bBegin + (4L * layout.Out(l));
                WriteTensor(json, "W" + (l + 1).ToString(CultureInfo.InvariantCulture), [layout.In(l), layout.Out(l)], wBegin, bBegin);
                WriteTensor(json, "b" + (l + 1).ToString(CultureInfo.InvariantCulture), [layout.Out(l)], bBegin, bEnd);
            }

            json.WriteEndObject();
        }

        return Padded(buffer.WrittenSpan);
    }

    /// <summary>The header JSON padded with spaces to a multiple of 8 bytes, as the reference implementation pads it.</summary>
    internal static byte[] Padded(ReadOnlySpan<byte> json)
    {
        int padded = (json.Length + 7) & ~7;
        byte[] header = new byte[padded];
        json.CopyTo(header);
        header.AsSpan(json.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>The 8-byte little-endian length, then the header.</summary>
    internal static void WriteHeader(Stream stream, byte[] header)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
    }

    /// <summary>Writes the whole file for <paramref name="network"/> to <paramref name="stream"/>.</summary>
    public static void Write(Network network, Stream stream)
    {
        byte[] header = Header(network.Layout, network.LayerSizes, network.Activations, network.CommonHiddenActivation);
        WriteHeader(stream, header);

        ReadOnlySpan<float> parameters = network.Parameters;
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(parameters));
            return;
        }

        // Big-endian hosts: swap in small chunks so nothing large is allocated.
        Span<int> chunk = stackalloc int[1024];
        for (int first = 0; first < parameters.Length; first += chunk.Length)
        {
            int count = Math.Min(chunk.Length, parameters.Length - first);
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(parameters.Slice(first, count)), chunk[..count]);
            stream.Write(MemoryMarshal.AsBytes(chunk[..count]));
        }
    }

    /// <summary>One F32 tensor's header entry: {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}.</summary>
    internal static void WriteTensor(Utf8JsonWriter json, string name, int[] shape, long begin, long end)
    {
        json.WriteStartObject(name);
        json.WriteString("dtype", "F32");
        json.WriteStartArray("shape");
        foreach (int extent in shape)
        {
            json.WriteNumberValue(extent);
        }

        json.WriteEndArray();
        json.WriteStartArray("data_offsets");
        json.WriteNumberValue(begin);
        json.WriteNumberValue(end);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
