using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FastMlp;

/// <summary>
/// The protocol-buffers wire format, just what <see cref="OnnxWriter"/> needs: one message's fields in the
/// order written (tag = field number · 8 + wire type, then the value). Varints carry ints and enums, length-delimited
/// records carry strings, bytes and nested messages (a nested message is written whole, then copied in with its
/// length), and a 32-bit record carries a float. Repeated scalars are written one record each, proto2's unpacked
/// form, as onnx.proto (syntax proto2) declares them; every protobuf parser also accepts that form.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly ArrayBufferWriter<byte> _bytes = new();

    /// <summary>An int32, int64 or enum field. A negative value is its 64-bit two's complement, ten bytes, as protobuf specifies.</summary>
    public ProtobufWriter Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> little = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(little, value);
        _bytes.Write(little);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>A nested message field: <paramref name="message"/>'s bytes, length-prefixed.</summary>
    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToSpan());

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    private ReadOnlySpan<byte> ToSpan() => _bytes.WrittenSpan;

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    /// <summary>Seven bits per byte, least significant group first; the high bit says another byte follows.</summary>
    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        _bytes.GetSpan(1)[0] = value;
        _bytes.Advance(1);
    }
}
