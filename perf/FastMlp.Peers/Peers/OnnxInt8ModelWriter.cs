using System.Buffers.Binary;

namespace FastMlp.Peers.Peers;

/// <summary>
/// A FastMlp <see cref="Network"/> as an ONNX model of ONNX Runtime's dynamic int8 path, the graph ORT's own
/// <c>quantize_dynamic</c> writes for a MatMul: each layer's W quantized once, here, per output column and symmetric
/// (int8, zero point 0, scale max_i |W_ij| / 127, values rounded half to even and clamped to ±127), the activations
/// quantized per call by ORT (<c>DynamicQuantizeLinear</c>: uint8, asymmetric, one scale and zero point for the whole
/// [N, features] tensor, its range widened to hold 0). The bias stays float and the activation runs on floats.
/// Same input and output names and shapes as <see cref="OnnxModelWriter"/> (float [N, features], N symbolic).
/// Each <see cref="Int8Graph"/> writes the layer in another set of nodes; all compute the same values.
/// Written field by field with src/FastMlp's ProtobufWriter (linked, one source), as the library's OnnxWriter does.
/// </summary>
internal static class OnnxInt8ModelWriter
{
    private const long IrVersion = 7;
    private const long Opset = 13;
    private const long MicrosoftOpset = 1;
    private const string Microsoft = "com.microsoft";

    private const int FloatType = 1; // TensorProto.DataType.FLOAT
    private const int Int8Type = 3; // TensorProto.DataType.INT8
    private const int AttributeInt = 2; // AttributeProto.AttributeType.INT

    /// <summary>The serialized ModelProto: what <c>new InferenceSession(byte[])</c> takes.</summary>
    public static byte[] Write(Network network, Int8Graph graph)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new ProtobufWriter()
            .Int(1, IrVersion) // ModelProto.ir_version
            .Message(8, new ProtobufWriter().String(1, "").Int(2, Opset)) // ModelProto.opset_import: the default domain
            .Message(8, new ProtobufWriter().String(1, Microsoft).Int(2, MicrosoftOpset)) // ModelProto.opset_import: ORT's contrib operators
            .String(2, "FastMlp.Peers") // ModelProto.producer_name
            .Message(7, Graph(network, graph)) // ModelProto.graph
            .ToArray();
    }

    /// <summary>
    /// W [inputs, outputs] (row-major, FastMlp's layout) per column j as q_ij · scale_j: scale_j = max_i |W_ij| / 127
    /// (1 for an all-zero column), q_ij = W_ij / scale_j rounded half to even, within ±127.
    /// </summary>
    public static (sbyte[] Quantized, float[] Scales) QuantizePerColumn(ReadOnlySpan<float> weights, int inputs, int outputs)
    {
        var scales = new float[outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                scales[j] = Math.Max(scales[j], Math.Abs(weights[(i * outputs) + j]));
            }
        }

        for (int j = 0; j < outputs; j++)
        {
            scales[j] = scales[j] > 0 ? scales[j] / 127f : 1f;
        }

        var quantized = new sbyte[inputs * outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int j = 0; j < outputs; j++)
            {
                quantized[(i * outputs) + j] = (sbyte)Math.Clamp(MathF.Round(weights[(i * outputs) + j] / scales[j], MidpointRounding.ToEven), -127, 127);
            }
        }

        return (quantized, scales);
    }

    private static ProtobufWriter Graph(Network network, Int8Graph variant)
    {
        IReadOnlyList<int> sizes = network.LayerSizes;
        ReadOnlySpan<float> parameters = network.Parameters;
        var graph = new ProtobufWriter();
        var initializers = new List<ProtobufWriter>();
        string x = OnnxModelWriter.InputName;
        int offset = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            (int inputs, int outputs) = (sizes[l - 1], sizes[l]);
            bool last = l == sizes.Count - 1;
            (sbyte[] quantized, float[] scales) = QuantizePerColumn(parameters.Slice(offset, inputs * outputs), inputs, outputs);
            offset += inputs * outputs;
            string w = $"W{l}_q", ws = $"W{l}_scale", wz = $"W{l}_zero", b = $"b{l}";
            initializers.Add(Int8Tensor(w, [inputs, outputs], quantized));
            initializers.Add(FloatTensor(ws, [outputs], scales));
            initializers.Add(Int8Tensor(wz, [outputs], new sbyte[outputs]));
            initializers.Add(FloatTensor(b, [outputs], parameters.Slice(offset, outputs)));
            offset += outputs;

            Activation activation = network.Activations[l - 1];
            string z = last && activation == Activation.Identity ? OnnxModelWriter.OutputName : $"z{l}";
            string a = last ? OnnxModelWriter.OutputName : $"a{l}";
            switch (variant)
            {
                case Int8Graph.MatMulInteger:
                    // The standard-operator form: the int32 product, cast, times x_scale · W_scale per column, plus b.
                    graph.Message(1, Node($"quantize{l}", "DynamicQuantizeLinear", [x], [$"x{l}_q", $"x{l}_scale", $"x{l}_zero"]));
                    graph.Message(1, Node($"matmul{l}", "MatMulInteger", [$"x{l}_q", w, $"x{l}_zero", wz], [$"y{l}_int"]));
                    graph.Message(1, Node($"cast{l}", "Cast", [$"y{l}_int"], [$"y{l}_float"], IntAttribute("to", FloatType)));
                    graph.Message(1, Node($"scale{l}", "Mul", [$"x{l}_scale", ws], [$"s{l}"]));
                    graph.Message(1, Node($"dequantize{l}", "Mul", [$"y{l}_float", $"s{l}"], [$"y{l}"]));
                    graph.Message(1, Node($"bias{l}", "Add", [$"y{l}", b], [z]));
                    break;
                case Int8Graph.MatMulIntegerToFloat:
                    graph.Message(1, Node($"quantize{l}", "DynamicQuantizeLinear", [x], [$"x{l}_q", $"x{l}_scale", $"x{l}_zero"]));
                    graph.Message(1, Node($"matmul{l}", "MatMulIntegerToFloat", [$"x{l}_q", w, $"x{l}_scale", ws, $"x{l}_zero", wz, b], [z], domain: Microsoft));
                    break;
                case Int8Graph.DynamicQuantizeMatMul:
                    graph.Message(1, Node($"matmul{l}", "DynamicQuantizeMatMul", [x, w, ws, wz, b], [z], domain: Microsoft));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(variant), variant, "Not an Int8Graph.");
            }

            switch (activation)
            {
                case Activation.Identity:
                    a = z;
                    break;
                case Activation.Relu:
                    graph.Message(1, Node($"act{l}", "Relu", [z], [a]));
                    break;
                case Activation.Softmax:
                    graph.Message(1, Node($"act{l}", "Softmax", [z], [a], IntAttribute("axis", -1)));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(network), activation, "The int8 graph writes Identity, Relu and Softmax layers.");
            }

            x = a;
        }

        graph.String(2, "fastmlp_int8"); // GraphProto.name
        foreach (ProtobufWriter initializer in initializers)
        {
            graph.Message(5, initializer); // GraphProto.initializer
        }

        graph.Message(11, Value(OnnxModelWriter.InputName, sizes[0])); // GraphProto.input
        graph.Message(12, Value(OnnxModelWriter.OutputName, sizes[^1])); // GraphProto.output
        return graph;
    }

    private static ProtobufWriter Node(string name, string op, string[] inputs, string[] outputs, ProtobufWriter? attribute = null, string domain = "")
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

        node.String(3, name) // NodeProto.name
            .String(4, op); // NodeProto.op_type
        if (attribute is not null)
        {
            node.Message(5, attribute); // NodeProto.attribute
        }

        return domain.Length == 0 ? node : node.String(7, domain); // NodeProto.domain
    }

    private static ProtobufWriter IntAttribute(string name, long value) => new ProtobufWriter()
        .String(1, name) // AttributeProto.name
        .Int(20, AttributeInt) // AttributeProto.type
        .Int(3, value); // AttributeProto.i

    private static ProtobufWriter FloatTensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        byte[] little = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(little.AsSpan(i * sizeof(float)), values[i]);
        }

        return Tensor(name, dims, FloatType, little);
    }

    private static ProtobufWriter Int8Tensor(string name, long[] dims, sbyte[] values) =>
        Tensor(name, dims, Int8Type, [.. values.Select(v => (byte)v)]);

    /// <summary>A TensorProto with its values in raw_data (little-endian, ONNX's byte order).</summary>
    private static ProtobufWriter Tensor(string name, long[] dims, int dataType, byte[] raw)
    {
        var tensor = new ProtobufWriter();
        foreach (long d in dims)
        {
            tensor.Int(1, d); // TensorProto.dims
        }

        return tensor.Int(2, dataType) // TensorProto.data_type
            .String(8, name) // TensorProto.name
            .Bytes(9, raw); // TensorProto.raw_data
    }

    /// <summary>A graph input or output: float [N, features], N symbolic.</summary>
    private static ProtobufWriter Value(string name, int features) => new ProtobufWriter()
        .String(1, name) // ValueInfoProto.name
        .Message(2, new ProtobufWriter() // ValueInfoProto.type (TypeProto)
            .Message(1, new ProtobufWriter() // TypeProto.tensor_type (TypeProto.Tensor)
                .Int(1, FloatType) // TypeProto.Tensor.elem_type
                .Message(2, new ProtobufWriter() // TypeProto.Tensor.shape (TensorShapeProto)
                    .Message(1, new ProtobufWriter().String(2, "N")) // TensorShapeProto.dim: Dimension.dim_param
                    .Message(1, new ProtobufWriter().Int(1, features))))); // TensorShapeProto.dim: Dimension.dim_value
}

/// <summary>How <see cref="OnnxInt8ModelWriter"/> writes a layer; all three quantize and compute alike.</summary>
internal enum Int8Graph
{
    /// <summary>DynamicQuantizeLinear → MatMulInteger → Cast → Mul (x_scale · W_scale) → Add (b): opset-13 operators only.</summary>
    MatMulInteger,

    /// <summary>DynamicQuantizeLinear → com.microsoft MatMulIntegerToFloat (the dequantization and bias fused into the product).</summary>
    MatMulIntegerToFloat,

    /// <summary>com.microsoft DynamicQuantizeMatMul: the activation's quantization, the product, dequantization and bias in one node.</summary>
    DynamicQuantizeMatMul,
}
