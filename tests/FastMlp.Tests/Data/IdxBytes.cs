// IdxBytes: a tiny IDX writer for the loader tests (big-endian header, unsigned-byte data), gzip with
// System.IO.Compression, and helpers to spoil a file in the ways the loader must catch.
using System.Buffers.Binary;
using System.IO.Compression;

namespace FastMlp.Tests.Data;

internal static class IdxBytes
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;

    /// <summary>A header (magic, then each dimension as big-endian uint32) followed by <paramref name="data"/>.</summary>
    public static byte[] File(uint magic, uint[] dimensions, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes.AsSpan(4 + (4 * dimensions.Length)));
        return bytes;
    }

    /// <summary>An images file [count, rows, columns] whose pixel p of image i is (i · 31 + p · 7) mod 256.</summary>
    public static byte[] Images(int count, int rows, int columns) =>
        File(ImagesMagic, [(uint)count, (uint)rows, (uint)columns], Pixels(count, rows * columns));

    /// <summary>The pixels <see cref="Images"/> writes, [count, pixels].</summary>
    public static byte[] Pixels(int count, int pixels)
    {
        var data = new byte[count * pixels];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < pixels; p++)
            {
                data[(i * pixels) + p] = (byte)((i * 31) + (p * 7));
            }
        }

        return data;
    }

    /// <summary>A labels file holding <paramref name="labels"/>.</summary>
    public static byte[] Labels(params byte[] labels) => File(LabelsMagic, [(uint)labels.Length], labels);

    /// <summary>Labels 0, 1, ..., classCount − 1, 0, 1, ... for <paramref name="count"/> samples.</summary>
    public static byte[] CyclicLabels(int count, int classCount)
    {
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % classCount);
        }

        return Labels(labels);
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return compressed.ToArray();
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gzip.CopyTo(raw);
        return raw.ToArray();
    }
}
