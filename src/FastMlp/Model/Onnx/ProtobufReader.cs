// ProtobufReader: the protocol-buffers wire format read field by field from one message's bytes, the reading
// twin of ProtobufWriter, safe on hostile input: every length is checked against the bytes left in the message
// before anything is sliced, a varint has at most 10 bytes (the 10th 0 or 1), a field number is
// 1..2^29 − 1, groups (wire types 3 and 4, deprecated and absent from onnx.proto) are malformed, and a nested
// message is a new reader over a slice of its parent, so nesting goes only as deep as the caller descends (the
// ONNX reader descends only into the messages it knows; every other field is skipped whole by its wire type).
// Every failure is a ModelFormatException (Truncated when a length or varint runs past the end, InvalidProtobuf
// otherwise) naming the message and the byte offset in the file.
using System.Buffers.Binary;
using System.Text;

namespace FastMlp;

internal ref struct ProtobufReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private const ulong MaxFieldNumber = (1u << 29) - 1;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base;
    private readonly string _message;
    private int _position;

    /// <param name="data">The message's bytes.</param>
    /// <param name="fileOffset">Where <paramref name="data"/> starts in the file (for messages).</param>
    /// <param name="message">The message's name (for messages), e.g. "ModelProto".</param>
    public ProtobufReader(ReadOnlySpan<byte> data, int fileOffset, string message)
    {
        _data = data;
        _base = fileOffset;
        _message = message;
        _position = 0;
    }

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool NextField(out int field, out int wireType)
    {
        if (_position == _data.Length)
        {
            (field, wireType) = (0, 0);
            return false;
        }

        int at = _position;
        ulong tag = ReadVarint();
        wireType = (int)(tag & 7);
        ulong number = tag >> 3;
        if (number is 0 or > MaxFieldNumber)
        {
            throw Invalid(at, $"field number {number} is outside 1..{MaxFieldNumber}");
        }

        if (wireType is not (Varint or Fixed64 or LengthDelimited or Fixed32))
        {
            throw Invalid(at, $"field {number} has wire type {wireType} (groups and unknown wire types are not valid here)");
        }

        field = (int)number;
        return true;
    }

    /// <summary>An int32, int64, enum or bool field's value (a negative int32 is sign-extended to ten bytes, so every int is read as 64 bits).</summary>
    public long ReadInt64(int field, int wireType)
    {
        Expect(field, wireType, Varint);
        return (long)ReadVarint();
    }

    public float ReadFloat(int field, int wireType)
    {
        Expect(field, wireType, Fixed32);
        return BinaryPrimitives.ReadSingleLittleEndian(Take(4, field));
    }

    public double ReadDouble(int field, int wireType)
    {
        Expect(field, wireType, Fixed64);
        return BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));
    }

    /// <summary>A bytes field (or a nested message's bytes); <paramref name="fileOffset"/> is where they start in the file.</summary>
    public ReadOnlySpan<byte> ReadBytes(int field, int wireType, out int fileOffset)
    {
        Expect(field, wireType, LengthDelimited);
        int at = _position;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Truncated(at, $"field {field} has length {length} but only {_data.Length - _position} bytes are left");
        }

        fileOffset = _base + _position;
        return Take((int)length, field);
    }

    /// <summary>A string field: UTF-8, as protobuf requires.</summary>
    public string ReadString(int field, int wireType)
    {
        ReadOnlySpan<byte> bytes = ReadBytes(field, wireType, out int offset);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ModelFormatException(ModelFormatError.InvalidProtobuf, $"{_message} field {field} at byte {offset} is not valid UTF-8.");
        }
    }

    /// <summary>A reader over a nested message field.</summary>
    public ProtobufReader ReadMessage(int field, int wireType, string message)
    {
        ReadOnlySpan<byte> bytes = ReadBytes(field, wireType, out int offset);
        return new ProtobufReader(bytes, offset, message);
    }

    /// <summary>A repeated int64/int32 field, packed (one length-delimited record) or not (one varint per value); appends to <paramref name="values"/>.</summary>
    public void ReadInt64s(int field, int wireType, List<long> values)
    {
        if (wireType != LengthDelimited)
        {
            values.Add(ReadInt64(field, wireType));
            return;
        }

        ReadOnlySpan<byte> packed = ReadBytes(field, wireType, out int offset);
        var inner = new ProtobufReader(packed, offset, _message);
        while (inner._position < packed.Length)
        {
            values.Add((long)inner.ReadVarint());
        }
    }

    /// <summary>A repeated float field, packed or not; appends to <paramref name="values"/>.</summary>
    public void ReadFloats(int field, int wireType, List<float> values)
    {
        if (wireType != LengthDelimited)
        {
            values.Add(ReadFloat(field, wireType));
            return;
        }

        ReadOnlySpan<byte> packed = ReadPacked(field, wireType, sizeof(float));
        for (int i = 0; i < packed.Length; i += sizeof(float))
        {
            values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
        }
    }

    /// <summary>A repeated double field, packed or not; appends to <paramref name="values"/>.</summary>
    public void ReadDoubles(int field, int wireType, List<double> values)
    {
        if (wireType != LengthDelimited)
        {
            values.Add(ReadDouble(field, wireType));
            return;
        }

        ReadOnlySpan<byte> packed = ReadPacked(field, wireType, sizeof(double));
        for (int i = 0; i < packed.Length; i += sizeof(double))
        {
            values.Add(BinaryPrimitives.ReadDoubleLittleEndian(packed[i..]));
        }
    }

    /// <summary>Skips a field this reader does not use, by its wire type.</summary>
    public void Skip(int field, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Take(8, field);
                break;
            case LengthDelimited:
                ReadBytes(field, wireType, out _);
                break;
            default:
                Take(4, field);
                break;
        }
    }

    private ReadOnlySpan<byte> ReadPacked(int field, int wireType, int width)
    {
        ReadOnlySpan<byte> packed = ReadBytes(field, wireType, out int offset);
        if (packed.Length % width != 0)
        {
            throw new ModelFormatException(ModelFormatError.InvalidProtobuf, $"{_message} field {field} at byte {offset}: a packed record of {width}-byte values has {packed.Length} bytes.");
        }

        return packed;
    }

    /// <summary>Seven bits per byte, least significant group first; at most ten bytes, the tenth holding only bit 63 (so the loop ends there).</summary>
    private ulong ReadVarint()
    {
        int at = _position;
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (_position == _data.Length)
            {
                throw Truncated(at, "a varint runs past the end");
            }

            byte b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw Invalid(at, "a varint overflows 64 bits (a tenth byte above 1, or more than ten bytes)");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private ReadOnlySpan<byte> Take(int count, int field)
    {
        if (count > _data.Length - _position)
        {
            throw Truncated(_position, $"field {field} needs {count} bytes but only {_data.Length - _position} are left");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private readonly void Expect(int field, int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw Invalid(_position, $"field {field} has wire type {wireType}, not {expected}");
        }
    }

    private readonly ModelFormatException Truncated(int at, string what) =>
        new(ModelFormatError.Truncated, $"{_message} at byte {_base + at}: {what}.");

    private readonly ModelFormatException Invalid(int at, string what) =>
        new(ModelFormatError.InvalidProtobuf, $"{_message} at byte {_base + at}: {what}.");
}
