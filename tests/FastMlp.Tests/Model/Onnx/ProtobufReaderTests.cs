// ProtobufReaderTests: ProtobufReader reads what ProtobufWriter writes, and refuses each malformed encoding with a
// ModelFormatException of the right reason (Truncated for data that ends early, InvalidProtobuf otherwise).
namespace FastMlp.Tests.Model.Onnx;

public sealed class ProtobufReaderTests
{
    [Fact]
    public void It_reads_back_what_ProtobufWriter_writes()
    {
        byte[] bytes = new ProtobufWriter()
            .Int(1, 150).Int(2, -1).Float(3, 1.5f).String(4, "testing")
            .Message(5, new ProtobufWriter().Int(1, 7))
            .Int(16, long.MaxValue)
            .ToArray();
        var reader = new ProtobufReader(bytes, 0, "Test");
        Assert.True(reader.NextField(out int field, out int wire));
        Assert.Equal((1, 150L), (field, reader.ReadInt64(field, wire)));
        Assert.True(reader.NextField(out field, out wire));
        Assert.Equal((2, -1L), (field, reader.ReadInt64(field, wire)));
        Assert.True(reader.NextField(out field, out wire));
        Assert.Equal((3, 1.5f), (field, reader.ReadFloat(field, wire)));
        Assert.True(reader.NextField(out field, out wire));
        Assert.Equal((4, "testing"), (field, reader.ReadString(field, wire)));
        Assert.True(reader.NextField(out field, out wire));
        ProtobufReader nested = reader.ReadMessage(field, wire, "Nested");
        Assert.True(nested.NextField(out int f, out int w));
        Assert.Equal((1, 7L), (f, nested.ReadInt64(f, w)));
        Assert.False(nested.NextField(out _, out _));
        Assert.True(reader.NextField(out field, out wire));
        Assert.Equal((16, long.MaxValue), (field, reader.ReadInt64(field, wire)));
        Assert.False(reader.NextField(out _, out _));
    }

    [Fact]
    public void Packed_and_unpacked_repeated_fields_read_alike()
    {
        // Field 1 packed [3, 270] (0A 03 03 8E 02), then unpacked 5 (08 05); field 2 packed floats [1, 2], then unpacked 3.
        byte[] bytes = [0x0A, 0x03, 0x03, 0x8E, 0x02, 0x08, 0x05, 0x12, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0x15, 0, 0, 0x40, 0x40];
        var reader = new ProtobufReader(bytes, 0, "Test");
        var ints = new List<long>();
        var floats = new List<float>();
        while (reader.NextField(out int field, out int wire))
        {
            if (field == 1)
            {
                reader.ReadInt64s(field, wire, ints);
            }
            else
            {
                reader.ReadFloats(field, wire, floats);
            }
        }

        Assert.Equal([3L, 270, 5], ints);
        Assert.Equal([1f, 2, 3], floats);
    }

    public static TheoryData<byte[], ModelFormatError, string> Malformed() => new()
    {
        { [0x08, 0x96], ModelFormatError.Truncated, "varint runs past the end" },
        { [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], ModelFormatError.InvalidProtobuf, "overflows 64 bits" },
        { [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], ModelFormatError.InvalidProtobuf, "overflows 64 bits" },
        { [0x12, 0x05, 0x61], ModelFormatError.Truncated, "length 5 but only 1 bytes are left" },
        { [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], ModelFormatError.Truncated, "length 4294967295" },
        { [0x00, 0x01], ModelFormatError.InvalidProtobuf, "field number 0" },
        { [0x0B], ModelFormatError.InvalidProtobuf, "wire type 3" },
        { [0x25, 0x00, 0x00], ModelFormatError.Truncated, "needs 4 bytes" },
        { [0x12, 0x02, 0xC3, 0x28], ModelFormatError.InvalidProtobuf, "not valid UTF-8" },
        { [0x1A, 0x05, 0, 0, 0x80, 0x3F, 0], ModelFormatError.InvalidProtobuf, "packed record of 4-byte values has 5 bytes" },
        { [0x08, 0x00, 0x0D, 0, 0, 0, 0], ModelFormatError.InvalidProtobuf, "wire type 5, not 0" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_encoding_is_a_ModelFormatException_with_its_reason(byte[] bytes, ModelFormatError reason, string message)
    {
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => ReadAll(bytes));
        Assert.Equal(reason, e.Reason);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads every field as the test schema types it: 1 int, 2 string, 3 packed floats, anything else skipped.</summary>
    private static void ReadAll(byte[] bytes)
    {
        var reader = new ProtobufReader(bytes, 0, "Test");
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64(field, wire);
                    break;
                case 2:
                    reader.ReadString(field, wire);
                    break;
                case 3:
                    reader.ReadFloats(field, wire, []);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }
    }
}
