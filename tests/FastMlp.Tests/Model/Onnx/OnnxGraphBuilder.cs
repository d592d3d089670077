// OnnxGraphBuilder: hand-made ONNX models for the LoadOnnx tests, written with the library's ProtobufWriter field by
// field (each commented with its onnx.proto name), so a test can build exactly the graph it needs: any node, in any
// order, any attribute, initializers as raw_data or typed fields, graph inputs and outputs of any element type.
using System.Buffers.Binary;

namespace FastMlp.Tests.Model.Onnx;

internal sealed class OnnxGraphBuilder
{
    public const int Float = 1;
    public const int Float16 = 10;
    public const int Double = 11;

    private readonly List<ProtobufWriter> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];

    public long Opset { get; init; } = 13;

    /// <summary>Input "x" [N, 3] → Gemm "gemm" (W [2, 3], transB = 1, b [2]) → "z" → Relu "act" → output "y" [N, 2].</summary>
    public static OnnxGraphBuilder Dense(long opset = 13) => DenseLayer(opset).Node("act", "Relu", ["z"], ["y"]);

    /// <summary>Dense with <paramref name="op"/> in place of the Relu, loaded.</summary>
    public Network ReplaceActivation(string op, params ProtobufWriter[] attributes)
    {
        _nodes.RemoveAt(_nodes.Count - 1);
        return Node("act", op, ["z"], ["y"], attributes).Load();
    }

    /// <summary>Dense without its activation: the Gemm writes "z".</summary>
    private static OnnxGraphBuilder DenseLayer(long opset) => new OnnxGraphBuilder { Opset = opset }
        .Input("x", 3)
        .Output("y", 2)
        .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
        .Initializer("b", [2], [0.5f, -0.5f])
        .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1));

    public OnnxGraphBuilder Node(string name, string op, string[] inputs, string[] outputs, params ProtobufWriter[] attributes) =>
        Node(name, op, "", inputs, outputs, attributes);

    public OnnxGraphBuilder Node(string name, string op, string domain, string[] inputs, string[] outputs, params ProtobufWriter[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs)
        {
            node.String(1, input); // NodeProto.input
        }

        foreach (string output in outputs)
        {
            node.String(2, output); // NodeProto.output
        }

        node.String(3, name).String(4, op); // NodeProto.name, op_type
        foreach (ProtobufWriter attribute in attributes)
        {
            node.Message(5, attribute); // NodeProto.attribute
        }

        if (domain.Length > 0)
        {
            node.String(7, domain); // NodeProto.domain
        }

        _nodes.Add(node);
        return this;
    }

    /// <summary>The nodes added so far in reverse order (a graph whose file order is not topological).</summary>
    public OnnxGraphBuilder ReverseNodes()
    {
        _nodes.Reverse();
        return this;
    }

    public OnnxGraphBuilder Initializer(string name, long[] dims, float[] values, bool raw = true, int dataType = Float)
    {
        _initializers.Add(Tensor(name, dims, values, raw, dataType));
        return this;
    }

    public OnnxGraphBuilder Input(string name, int features, int elementType = Float) => Value(_inputs, name, features, elementType);

    public OnnxGraphBuilder Output(string name, int features, int elementType = Float) => Value(_outputs, name, features, elementType);

    public static ProtobufWriter FloatAttribute(string name, float value) => new ProtobufWriter()
        .String(1, name) // AttributeProto.name
        .Int(20, 1) // AttributeProto.type: FLOAT
        .Float(2, value); // AttributeProto.f

    public static ProtobufWriter IntAttribute(string name, long value) => new ProtobufWriter()
        .String(1, name).Int(20, 2).Int(3, value); // name, type INT, i

    public static ProtobufWriter IntsAttribute(string name, params long[] values)
    {
        var attribute = new ProtobufWriter().String(1, name).Int(20, 7); // name, type INTS
        foreach (long v in values)
        {
            attribute.Int(8, v); // AttributeProto.ints
        }

        return attribute;
    }

    public static ProtobufWriter StringAttribute(string name, string value) => new ProtobufWriter()
        .String(1, name).Int(20, 3).String(4, value); // name, type STRING, s

    /// <summary>A Constant node's "value" attribute holding a float tensor.</summary>
    public static ProtobufWriter TensorAttribute(long[] dims, float[] values) => new ProtobufWriter()
        .String(1, "value").Int(20, 4).Message(5, Tensor("", dims, values, raw: true, Float)); // name, type TENSOR, t

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToBytes()
    {
        var graph = new ProtobufWriter();
        foreach (ProtobufWriter node in _nodes)
        {
            graph.Message(1, node); // GraphProto.node
        }

        graph.String(2, "test"); // GraphProto.name
        foreach (ProtobufWriter initializer in _initializers)
        {
            graph.Message(5, initializer); // GraphProto.initializer
        }

        foreach (ProtobufWriter input in _inputs)
        {
            graph.Message(11, input); // GraphProto.input
        }

        foreach (ProtobufWriter output in _outputs)
        {
            graph.Message(12, output); // GraphProto.output
        }

        return new ProtobufWriter()
            .Int(1, 8) // ModelProto.ir_version
            .Message(8, new ProtobufWriter().String(1, "").Int(2, Opset)) // ModelProto.opset_import
            .Message(7, graph) // ModelProto.graph
            .ToArray();
    }

    public Network Load() => Network.LoadOnnx(new MemoryStream(ToBytes()));

    /// <summary>The ModelFormatException LoadOnnx throws for this model.</summary>
    public ModelFormatException Refusal() => Assert.Throws<ModelFormatException>(Load);

    private static ProtobufWriter Tensor(string name, long[] dims, float[] values, bool raw, int dataType)
    {
        var tensor = new ProtobufWriter();
        foreach (long d in dims)
        {
            tensor.Int(1, d); // TensorProto.dims
        }

        tensor.Int(2, dataType).String(8, name); // TensorProto.data_type, name
        int width = dataType switch { Float16 => 2, Double => 8, _ => 4 };
        if (raw)
        {
            byte[] bytes = new byte[values.Length * width];
            for (int i = 0; i < values.Length; i++)
            {
                switch (dataType)
                {
                    case Float16:
                        BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
                        break;
                    case Double:
                        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
                        break;
                    default:
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
                        break;
                }
            }

            return tensor.Bytes(9, bytes); // TensorProto.raw_data
        }

        foreach (float v in values)
        {
            _ = dataType switch
            {
                Float16 => tensor.Int(5, BitConverter.HalfToUInt16Bits((Half)v)), // TensorProto.int32_data
                Double => tensor.Bytes(10, BitConverter.GetBytes((double)v)), // TensorProto.double_data, packed, one value
                _ => tensor.Float(4, v), // TensorProto.float_data, unpacked
            };
        }

        return tensor;
    }

    /// <summary>A graph input or output: a tensor of <paramref name="elementType"/> [N, features], N symbolic.</summary>
    private OnnxGraphBuilder Value(List<ProtobufWriter> values, string name, int features, int elementType)
    {
        values.Add(new ProtobufWriter()
            .String(1, name) // ValueInfoProto.name
            .Message(2, new ProtobufWriter() // ValueInfoProto.type
                .Message(1, new ProtobufWriter() // TypeProto.tensor_type
                    .Int(1, elementType) // TypeProto.Tensor.elem_type
                    .Message(2, new ProtobufWriter() // TypeProto.Tensor.shape
                        .Message(1, new ProtobufWriter().String(2, "N")) // dim_param
                        .Message(1, new ProtobufWriter().Int(1, features)))))); // dim_value
        return this;
    }
}
