namespace FastMlp.Tests.Model.Onnx;

/// <summary>
/// <see cref="ProtobufWriter"/> against the encodings the protocol-buffers documentation spells out byte by byte
/// (protobuf.dev, "Encoding"), the ground the ONNX writer stands on.
/// </summary>
public sealed class ProtobufWriterTests
{
    [Fact]
    public void A_varint_field_is_its_tag_then_seven_bits_per_byte_least_significant_first() =>
        // The documentation's example: field 1 = 150 is 08 96 01.
        Assert.Equal([0x08, 0x96, 0x01], new ProtobufWriter().Int(1, 150).ToArray());

    [Fact]
    public void A_negative_int_is_ten_bytes_of_twos_complement() =>
        Assert.Equal([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], new ProtobufWriter().Int(1, -1).ToArray());

    [Fact]
    public void A_string_field_is_length_delimited_utf8() =>
        // The documentation's example: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        Assert.Equal([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67], new ProtobufWriter().String(2, "testing").ToArray());

    [Fact]
    public void A_nested_message_is_its_bytes_length_prefixed() =>
        // The documentation's example: field 3 holding a message whose field 1 = 150 is 1a 03 08 96 01.
        Assert.Equal([0x1A, 0x03, 0x08, 0x96, 0x01], new ProtobufWriter().Message(3, new ProtobufWriter().Int(1, 150)).ToArray());

    [Fact]
    public void A_float_field_is_wire_type_5_then_four_little_endian_bytes() =>
        // 1.0f is 0x3F800000; field 1, wire type 5: tag 0x0D.
        Assert.Equal([0x0D, 0x00, 0x00, 0x80, 0x3F], new ProtobufWriter().Float(1, 1f).ToArray());

    [Fact]
    public void A_field_number_past_15_takes_a_two_byte_tag() =>
        // Field 16, varint: (16 << 3) | 0 = 128 = 80 01.
        Assert.Equal([0x80, 0x01, 0x05], new ProtobufWriter().Int(16, 5).ToArray());
}
