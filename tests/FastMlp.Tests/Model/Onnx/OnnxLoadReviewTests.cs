// OnnxLoadReviewTests: hostile inputs found in the issue-15 review. Records that cost the file two bytes each (an
// empty NodeProto, TensorProto or AttributeProto, or a singular message field such as ModelProto.graph repeated
// empty), or nodes holding only an output, must not make LoadOnnx allocate more than the mutation test's bound per byte; a singular message field met
// twice is merged, as protobuf parsers merge it (ONNX Runtime sees one graph made of both records); a stream
// positioned past its end is a ModelFormatException, not an OverflowException; a node that reads its own weights
// twice is refused with a message that names it first; FLOAT16 int32_data outside 0..65535 (onnx.proto: the 16 bits
// of each value) is refused, not cut to its low 16 bits; an empty name is an omitted input, never a constant, even
// when an initializer has that name.
using static FastMlp.Tests.Model.Onnx.OnnxGraphBuilder;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxLoadReviewTests
{
    /// <summary>Empty records in a row (each a two-byte tag and zero length): enough that the bound's constant is small beside them.</summary>
    private const int Records = 200_000;

    [Theory]
    [InlineData("NodeProto")]
    [InlineData("TensorProto")]
    [InlineData("AttributeProto")]
    [InlineData("ModelProto.graph")]
    [InlineData("AttributeProto.t")]
    [InlineData("NodeProto with one output")]
    public void Empty_records_are_refused_within_the_mutation_tests_allocation_bound(string record)
    {
        var empty = new ProtobufWriter();
        var graph = new ProtobufWriter();
        var model = new ProtobufWriter()
            .Int(1, 8) // ModelProto.ir_version
            .Message(8, new ProtobufWriter().String(1, "").Int(2, 13)); // ModelProto.opset_import
        if (record is "AttributeProto" or "AttributeProto.t")
        {
            var repeated = new ProtobufWriter();
            for (int i = 0; i < Records; i++)
            {
                repeated.Message(5, empty); // NodeProto.attribute or AttributeProto.t
            }

            graph.Message(1, record == "AttributeProto" ? repeated : new ProtobufWriter().Message(5, repeated)); // GraphProto.node
        }
        else if (record == "ModelProto.graph")
        {
            for (int i = 0; i < Records; i++)
            {
                model.Message(7, empty); // ModelProto.graph
            }
        }
        else if (record == "NodeProto with one output")
        {
            // The graph checks run (an input and an output, every node defining a distinct three-character value), then no node reads the input.
            graph.Message(11, new ProtobufWriter().String(1, "x").Message(2, new ProtobufWriter().Message(1, new ProtobufWriter().Int(1, 1)))); // GraphProto.input: float tensor
            graph.Message(12, new ProtobufWriter().String(1, "y").Message(2, new ProtobufWriter().Message(1, new ProtobufWriter().Int(1, 1)))); // GraphProto.output
            for (int i = 0; i < Records; i++)
            {
                string value = string.Create(3, i, static (c, v) => (c[0], c[1], c[2]) = ((char)('!' + (v % 90)), (char)('!' + (v / 90 % 90)), (char)('!' + (v / 8100))));
                graph.Message(1, new ProtobufWriter().String(2, value)); // GraphProto.node, NodeProto.output
            }
        }
        else
        {
            for (int i = 0; i < Records; i++)
            {
                graph.Message(record == "NodeProto" ? 1 : 5, empty); // GraphProto.node or GraphProto.initializer
            }
        }

        byte[] file = model.Message(7, graph).ToArray(); // ModelProto.graph

        // Warm the exception path first (its first throw in a process loads resources).
        Assert.Throws<ModelFormatException>(() => Network.LoadOnnx(new MemoryStream(file)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ModelFormatException>(() => Network.LoadOnnx(new MemoryStream(file)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = (OnnxLoadMutationTests.AllocationPerByte * file.Length) + OnnxLoadMutationTests.AllocationConstant;
        Assert.True(allocated <= bound, $"{Records} empty {record}s: the load allocated {allocated} bytes for a {file.Length}-byte file (bound {bound}).");
    }

    [Fact]
    public void A_graph_written_as_two_records_of_ModelProto_graph_loads_as_their_merge()
    {
        // Dense()'s model with its GraphProto cut in two records: the nodes and initializers, then the input and output.
        byte[] whole = Dense().ToBytes();
        var parsed = new ProtobufReader(whole, 0, "ModelProto");
        byte[] graph = [];
        var model = new ProtobufWriter();
        while (parsed.NextField(out int field, out int wire))
        {
            if (field == 7)
            {
                graph = parsed.ReadBytes(field, wire, out _).ToArray();
            }
            else
            {
                model.Int(field, parsed.ReadInt64(field, wire)); // ir_version
                Assert.True(parsed.NextField(out field, out wire)); // opset_import
                model.Bytes(field, parsed.ReadBytes(field, wire, out _));
            }
        }

        var first = new ProtobufWriter();
        var second = new ProtobufWriter();
        var records = new ProtobufReader(graph, 0, "GraphProto");
        while (records.NextField(out int field, out int wire))
        {
            (field is 11 or 12 ? second : first).Bytes(field, records.ReadBytes(field, wire, out _));
        }

        byte[] split = model.Message(7, first).Message(7, second).ToArray();
        Network merged = Network.LoadOnnx(new MemoryStream(split));
        Network expected = Network.LoadOnnx(new MemoryStream(whole));
        Assert.Equal(expected.LayerSizes, merged.LayerSizes);
        Assert.Equal(expected.Parameters.ToArray(), merged.Parameters.ToArray());
    }

    [Fact]
    public void An_omitted_weights_operand_is_not_read_from_an_initializer_named_empty()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Initializer("", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("b", [2], [0.5f, -0.5f])
            .Node("gemm", "Gemm", ["x", "", "b"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.StartsWith("Node \"gemm\" (Gemm) cannot be mapped to a dense layer: its weights \"\" are not a constant", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x13C00)] // 1.0's bits plus bit 16: cut to 16 bits it would load as 1.0
    [InlineData(-1)]
    public void FLOAT16_int32_data_outside_16_bits_is_refused_naming_the_value(long bits)
    {
        var tensor = new ProtobufWriter().Int(1, 2).Int(1, 3).Int(2, Float16); // TensorProto.dims [2, 3], data_type
        foreach (long v in new[] { 0x3C00, bits, 0x3C00, 0x3C00, 0x3C00, 0x3C00 })
        {
            tensor.Int(5, v); // TensorProto.int32_data
        }

        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Node("w", "Constant", [], ["W"], new ProtobufWriter().String(1, "value").Int(20, 4).Message(5, tensor)) // AttributeProto name, type TENSOR, t
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Contains($"int32_data holds {bits} at element 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_positioned_past_its_end_is_a_ModelFormatException()
    {
        byte[] file = Dense().ToBytes();
        var stream = new MemoryStream();
        stream.Write(file);
        stream.Position = file.Length + 10; // MemoryStream allows it; Length - Position is negative
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.LoadOnnx(stream));
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
    }

    [Fact]
    public void A_Gemm_reading_its_weights_twice_is_refused_naming_the_Gemm_first()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Node("gemm", "Gemm", ["x", "W", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.StartsWith("Node \"gemm\" (Gemm) cannot be mapped", e.Message, StringComparison.Ordinal);
    }
}
