using System.Buffers.Binary;

namespace FastMlp.Peers.Peers;

/// <summary>
/// A FastMlp <see cref="Network"/> as an ONNX model holding exactly its weights, with no ONNX library: the
/// ModelProto of onnx.proto written field by field (<see cref="ProtobufWriter"/>; each field is commented with its
/// onnx.proto name). ir_version 8, opset 17 of the default domain, producer "FastMlp.Peers". The graph is
/// Gemm(X, W_l, b_l) per layer, then the layer's activation (Identity adds no node), input "input" float
/// [N, inputs] with the symbolic batch dimension "N", output "output" float [N, outputs]. FastMlp stores W_l as
/// [in, out] (Z = X·W + b), which is Gemm's B unTransposed, so transB = 0 and the weights are copied as stored.
/// Initializers are float TensorProtos in raw_data, little-endian (ONNX's raw_data byte order).
/// </summary>
internal static class OnnxModelWriter
{
    public const string InputName = "input";
    public const string OutputName = "output";
    private const string BatchDimension = "N";

    private const long IrVersion = 8;
    private const long Opset = 17;
    private const int FloatType = 1; // TensorProto.DataType.FLOAT
    private const int AttributeFloat = 1; // AttributeProto.AttributeType.FLOAT
    private const int AttributeInt = 2; // AttributeProto.AttributeType.INT

    /// <summary>The serialized ModelProto: what <c>new InferenceSession(byte[])</c> takes, and the bytes of a .onnx file.</summary>
    public static byte[] Write(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new ProtobufWriter()
            .Int(1, IrVersion) // ModelProto.ir_version
            .Message(8, new ProtobufWriter() // ModelProto.opset_import (OperatorSetIdProto)
                .String(1, "") // OperatorSetIdProto.domain: "" is the default ONNX domain
                .Int(2, Opset)) // OperatorSetIdProto.version
            .String(2, "FastMlp.Peers") // ModelProto.producer_name
            .String(3, typeof(Network).Assembly.GetName().Version?.ToString(3) ?? "") // ModelProto.producer_version
            .Message(7, Graph(network)) // ModelProto.graph
            .ToArray();
    }

    private static ProtobufWriter Graph(Network network)
    {
        IReadOnlyList<int> sizes = network.LayerSizes;
        ReadOnlySpan<float> parameters = network.Parameters;
        var graph = new ProtobufWriter();
        var initializers = new List<ProtobufWriter>();
        string x = InputName;
        int offset = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            (int inputs, int outputs) = (sizes[l - 1], sizes[l]);
            bool last = l == sizes.Count - 1;
            Activation activation = last ? network.OutputActivation : network.HiddenActivation;
            string w = $"W{l}", b = $"b{l}";
            initializers.Add(Tensor(w, [inputs, outputs], parameters.Slice(offset, inputs * outputs)));
            offset += inputs * outputs;
            initializers.Add(Tensor(b, [outputs], parameters.Slice(offset, outputs)));
            offset += outputs;

            string z = last && activation == Activation.Identity ? OutputName : $"z{l}";
            graph.Message(1, Node($"gemm{l}", "Gemm", [x, w, b], z, // GraphProto.node
                FloatAttribute("alpha", 1f), FloatAttribute("beta", 1f), IntAttribute("transA", 0), IntAttribute("transB", 0)));
            x = z;
            if (OperatorOf(activation) is { } op)
            {
                string a = last ? OutputName : $"a{l}";
                ProtobufWriter[] attributes = activation == Activation.Softmax ? [IntAttribute("axis", 1)] : [];
                graph.Message(1, Node($"{op.ToLowerInvariant()}{l}", op, [x], a, attributes)); // GraphProto.node
                x = a;
            }
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

    /// <summary>The ONNX operator of an activation; null for Identity, which needs no node.</summary>
    private static string? OperatorOf(Activation activation) => activation switch
    {
        Activation.Identity => null,
        Activation.Relu => "Relu",
        Activation.LeakyRelu => "LeakyRelu",   // ONNX's default alpha is 0.01, FastMlp's slope
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX operator for it."),
    };

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
