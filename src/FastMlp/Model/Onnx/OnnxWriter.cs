// OnnxWriter: a Network as an ONNX ModelProto, with no ONNX library: onnx.proto's messages written field by field
// (ProtobufWriter; each field is commented with its onnx.proto name). ir_version 7, opset 13 of the default domain,
// every operator in its opset-13 form: per layer Gemm(X, W_l, b_l) with transB = 0 (FastMlp's W is [in, out], Gemm's
// B untransposed, so the weights are copied as stored), then the layer's activation: Relu, Sigmoid, Tanh,
// LeakyRelu (alpha 0.01), Softmax (axis −1), SiLU as Mul(z, Sigmoid(z)), GELU as Mul(Mul(z, Add(Erf(Div(z, √2)), 1)),
// 0.5), the node sequence torch.onnx.export writes for nn.GELU(); Identity adds no node. Input "input" float
// [N, inputs] with the symbolic batch dimension "N", output "output" float [N, outputs]. Initializers are float
// TensorProtos in raw_data, little-endian (ONNX's raw_data byte order), so OnnxReader gets the same bits back.
using System.Buffers.Binary;

namespace FastMlp;

internal static class OnnxWriter
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const string BatchDimension = "N";
    public const long IrVersion = 7;
    public const long Opset = 13;

    /// <summary>GELU's constants: z / √2 is what torch exports (1.41421353816986083984375 in float).</summary>
    public const float Sqrt2 = 1.41421356f;

    public const int FloatType = 1; // TensorProto.DataType.FLOAT
    public const int AttributeFloat = 1; // AttributeProto.AttributeType.FLOAT
    public const int AttributeInt = 2; // AttributeProto.AttributeType.INT

    /// <summary>The serialized ModelProto: the bytes of a .onnx file.</summary>
    public static byte[] Write(Network network) => new ProtobufWriter()
        .Int(1, IrVersion) // ModelProto.ir_version
        .Message(8, new ProtobufWriter() // ModelProto.opset_import (OperatorSetIdProto)
            .String(1, "") // OperatorSetIdProto.domain: "" is the default ONNX domain
            .Int(2, Opset)) // OperatorSetIdProto.version
        .String(2, "FastMlp") // ModelProto.producer_name
        .String(3, typeof(Network).Assembly.GetName().Version?.ToString(3) ?? "") // ModelProto.producer_version
        .Message(7, Graph(network)) // ModelProto.graph
        .ToArray();

    private static ProtobufWriter Graph(Network network)
    {
        IReadOnlyList<int> sizes = network.LayerSizes;
        ReadOnlySpan<float> parameters = network.Parameters;
        var graph = new ProtobufWriter();
        var initializers = new List<ProtobufWriter>();
        bool gelu = false;
        string x = InputName;
        int offset = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            (int inputs, int outputs) = (sizes[l - 1], sizes[l]);
            bool last = l == sizes.Count - 1;
            Activation activation = network.Activations[l - 1];
            string w = $"W{l}", b = $"b{l}";
            initializers.Add(Tensor(w, [inputs, outputs], parameters.Slice(offset, inputs * outputs)));
            offset += inputs * outputs;
            initializers.Add(Tensor(b, [outputs], parameters.Slice(offset, outputs)));
            offset += outputs;

            // Each node's output is named for its layer; the last node of the last layer writes "output".
            string z = last && activation == Activation.Identity ? OutputName : $"z{l}";
            string a = last ? OutputName : $"a{l}";
            graph.Message(1, Node($"gemm{l}", "Gemm", [x, w, b], z, // GraphProto.node
                FloatAttribute("alpha", 1f), FloatAttribute("beta", 1f), IntAttribute("transA", 0), IntAttribute("transB", 0)));
            switch (activation)
            {
                case Activation.Identity:
                    a = z;
                    break;
                case Activation.Relu or Activation.Sigmoid or Activation.Tanh:
                    graph.Message(1, Node($"act{l}", activation.ToString(), [z], a));
                    break;
                case Activation.LeakyRelu:
                    graph.Message(1, Node($"act{l}", "LeakyRelu", [z], a, FloatAttribute("alpha", 0.01f)));
                    break;
                case Activation.Softmax:
                    graph.Message(1, Node($"act{l}", "Softmax", [z], a, IntAttribute("axis", -1)));
                    break;
                case Activation.Silu:
                    graph.Message(1, Node($"sigmoid{l}", "Sigmoid", [z], $"s{l}"));
                    graph.Message(1, Node($"act{l}", "Mul", [z, $"s{l}"], a));
                    break;
                case Activation.Gelu:
                    gelu = true;
                    graph.Message(1, Node($"div{l}", "Div", [z, "sqrt2"], $"d{l}"));
                    graph.Message(1, Node($"erf{l}", "Erf", [$"d{l}"], $"e{l}"));
                    graph.Message(1, Node($"add{l}", "Add", [$"e{l}", "one"], $"p{l}"));
                    graph.Message(1, Node($"mul{l}", "Mul", [z, $"p{l}"], $"m{l}"));
                    graph.Message(1, Node($"act{l}", "Mul", [$"m{l}", "half"], a));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(network), activation, "No ONNX form for this activation.");
            }

            x = a;
        }

        if (gelu)
        {
            initializers.Add(Tensor("sqrt2", [], [Sqrt2]));
            initializers.Add(Tensor("one", [], [1f]));
            initializers.Add(Tensor("half", [], [0.5f]));
        }

        graph.String(2, "fastmlp"); // GraphProto.name
        foreach (ProtobufWriter initializer in initializers)
        {
            graph.Message(5, initializer); // GraphProto.initializer
        }

        graph.Message(11, Value(InputName, sizes[0])); // GraphProto.input
        graph.Message(12, Value(OutputName, sizes[^1])); // GraphProto.output
        return graph;
    }

    private static ProtobufWriter Node(string name, string op, string[] inputs, string output, params ProtobufWriter[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs)
        {
            node.String(1, input); // NodeProto.input
        }

        node.String(2, output) // NodeProto.output
            .String(3, name) // NodeProto.name
            .String(4, op); // NodeProto.op_type
        foreach (ProtobufWriter attribute in attributes)
        {
            node.Message(5, attribute); // NodeProto.attribute
        }

        return node;
    }

    private static ProtobufWriter FloatAttribute(string name, float value) => new ProtobufWriter()
        .String(1, name) // AttributeProto.name
        .Int(20, AttributeFloat) // AttributeProto.type
        .Float(2, value); // AttributeProto.f

    private static ProtobufWriter IntAttribute(string name, long value) => new ProtobufWriter()
        .String(1, name) // AttributeProto.name
        .Int(20, AttributeInt) // AttributeProto.type
        .Int(3, value); // AttributeProto.i

    private static ProtobufWriter Tensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtobufWriter();
        foreach (long d in dims)
        {
            tensor.Int(1, d); // TensorProto.dims
        }

        tensor.Int(2, FloatType) // TensorProto.data_type
            .String(8, name); // TensorProto.name
        byte[] little = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(little.AsSpan(i * sizeof(float)), values[i]);
        }

        tensor.Bytes(9, little); // TensorProto.raw_data
        return tensor;
    }

    /// <summary>A graph input or output: float [N, features], N symbolic.</summary>
    private static ProtobufWriter Value(string name, int features) => new ProtobufWriter()
        .String(1, name) // ValueInfoProto.name
        .Message(2, new ProtobufWriter() // ValueInfoProto.type (TypeProto)
            .Message(1, new ProtobufWriter() // TypeProto.tensor_type (TypeProto.Tensor)
                .Int(1, FloatType) // TypeProto.Tensor.elem_type
                .Message(2, new ProtobufWriter() // TypeProto.Tensor.shape (TensorShapeProto)
                    .Message(1, new ProtobufWriter().String(2, BatchDimension)) // TensorShapeProto.dim: Dimension.dim_param
                    .Message(1, new ProtobufWriter().Int(1, features))))); // TensorShapeProto.dim: Dimension.dim_value
}
