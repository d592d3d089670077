// ModelFileBytes: builds and takes apart safetensors files by hand, so tests can write corrupt ones:
// an 8-byte little-endian header length, the header text (padded with spaces to a multiple of 8 unless
// told otherwise), then the data bytes.
using System.Buffers.Binary;
using System.Text;

namespace FastMlp.Tests.Infrastructure;

internal static class ModelFileBytes
{
    /// <summary>The header JSON FastMlp writes for a 2-2-1 Tanh/Identity network (no padding), written with ' for \".</summary>
    public static readonly string TinyHeader = (
        "{'__metadata__':{'format':'fastmlp','format_version':'1','layer_sizes':'2,2,1','hidden_activation':'Tanh','output_activation':'Identity'},"
        + "'W1':{'dtype':'F32','shape':[2,2],'data_offsets':[0,16]},'b1':{'dtype':'F32','shape':[2],'data_offsets':[16,24]},"
        + "'W2':{'dtype':'F32','shape':[2,1],'data_offsets':[24,32]},'b2':{'dtype':'F32','shape':[1],'data_offsets':[32,36]}}").Replace('\'', '"');

    /// <summary>The 9 parameters of the tiny network as little-endian bytes: 0.5, -1, 2, 0.25, 0.125, -0.5, 1.5, -2, 0.75.</summary>
    public static byte[] TinyData() => FloatBytes([0.5f, -1f, 2f, 0.25f, 0.125f, -0.5f, 1.5f, -2f, 0.75f]);

    public static byte[] FloatBytes(float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>A file of <paramref name="header"/> (UTF-8, padded to 8 bytes when <paramref name="pad"/>) and <paramref name="data"/>.</summary>
    public static byte[] Build(string header, byte[] data, bool pad = true) => Build(Encoding.UTF8.GetBytes(header), data, pad);

    public static byte[] Build(byte[] header, byte[] data, bool pad = true)
    {
        int length = pad ? (header.Length + 7) & ~7 : header.Length;
        byte[] file = new byte[8 + length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)length);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, length - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + length);
        return file;
    }

    /// <summary>The header text (with its padding) and the data of a well-formed file.</summary>
    public static (string Header, byte[] Data) Split(byte[] file)
    {
        int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    public static byte[] Save(Network network)
    {
        using var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    /// <summary>A 2-2-1 Tanh/Identity network with the parameters of <see cref="TinyData"/>.</summary>
    public static Network Tiny()
    {
        Network network = Network.Create([2, 2, 1], Activation.Tanh, Activation.Identity, seed: 1);
        float[] values = [0.5f, -1f, 2f, 0.25f, 0.125f, -0.5f, 1.5f, -2f, 0.75f];
        values.CopyTo(network.Parameters);
        return network;
    }
}
