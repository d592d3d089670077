// OnnxProto: the few onnx.proto messages LoadOnnx needs, parsed from a ModelProto's bytes with ProtobufReader
// (each field is commented with its onnx.proto name; every other field is skipped whole). Parsing only collects:
// every list grows by one entry per record read, so what it holds is bounded by the file's size; a message's lists
// are created by its first entry (an empty record, two bytes of file, costs one small object, not one per list),
// and a singular message field met twice (graph, AttributeProto.t, a type's shape) is merged into the first, as
// protobuf parsers merge it, rather than allocated again; tensor data
// stays a slice of the file until the graph mapper decodes the tensors it uses (OnnxTensorProto.Decode, which
// checks the data against the dims without overflow). Judging what the graph means is OnnxGraphMapper's.
using System.Buffers.Binary;

namespace FastMlp;

internal sealed class OnnxModelProto
{
    public long IrVersion { get; private set; }

    /// <summary>(domain, version) of each opset_import.</summary>
    public List<(string Domain, long Version)> Opsets { get; } = [];

    public OnnxGraphProto? Graph { get; private set; }

    public static OnnxModelProto Parse(byte[] file)
    {
        var model = new OnnxModelProto();
        var reader = new ProtobufReader(file, 0, "ModelProto");
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: // ModelProto.ir_version
                    model.IrVersion = reader.ReadInt64(field, wire);
                    break;
                case 7: // ModelProto.graph (a second record merges into the first, as protobuf merges a singular message)
                    model.Graph = OnnxGraphProto.Parse(file, reader.ReadMessage(field, wire, "GraphProto"), model.Graph ?? new OnnxGraphProto());
                    break;
                case 8: // ModelProto.opset_import (OperatorSetIdProto)
                    ProtobufReader opset = reader.ReadMessage(field, wire, "OperatorSetIdProto");
                    (string domain, long version) = ("", 0);
                    while (opset.NextField(out int f, out int w))
                    {
                        switch (f)
                        {
                            case 1: // OperatorSetIdProto.domain
                                domain = opset.ReadString(f, w);
                                break;
                            case 2: // OperatorSetIdProto.version
                                version = opset.ReadInt64(f, w);
                                break;
                            default:
                                opset.Skip(f, w);
                                break;
                        }
                    }

                    model.Opsets.Add((domain, version));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return model;
    }
}

internal sealed class OnnxGraphProto
{
    public List<OnnxNodeProto> Nodes { get; } = [];

    public List<OnnxTensorProto> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>Appends <paramref name="reader"/>'s records to <paramref name="graph"/> (a new one, or the one an earlier record of the field began).</summary>
    public static OnnxGraphProto Parse(byte[] file, ProtobufReader reader, OnnxGraphProto graph)
    {
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: // GraphProto.node
                    graph.Nodes.Add(OnnxNodeProto.Parse(file, reader.ReadMessage(field, wire, "NodeProto"), graph.Nodes.Count));
                    break;
                case 5: // GraphProto.initializer
                    graph.Initializers.Add(OnnxTensorProto.Parse(file, reader.ReadMessage(field, wire, "TensorProto")));
                    break;
                case 11: // GraphProto.input
                    graph.Inputs.Add(OnnxValueInfo.Parse(reader.ReadMessage(field, wire, "ValueInfoProto")));
                    break;
                case 12: // GraphProto.output
                    graph.Outputs.Add(OnnxValueInfo.Parse(reader.ReadMessage(field, wire, "ValueInfoProto")));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return graph;
    }
}

internal sealed class OnnxNodeProto
{
    private List<string>? _inputs;
    private List<string>? _outputs;
    private List<OnnxAttributeProto>? _attributes;

    public IReadOnlyList<string> Inputs => (IReadOnlyList<string>?)_inputs ?? [];

    public IReadOnlyList<string> Outputs => (IReadOnlyList<string>?)_outputs ?? [];

    public string Name { get; private set; } = "";

    public string OpType { get; private set; } = "";

    public string Domain { get; private set; } = "";

    public IReadOnlyList<OnnxAttributeProto> Attributes => (IReadOnlyList<OnnxAttributeProto>?)_attributes ?? [];

    /// <summary>The node's place in GraphProto.node (for messages when it has no name).</summary>
    public int Index { get; private init; }

    public static OnnxNodeProto Parse(byte[] file, ProtobufReader reader, int index)
    {
        var node = new OnnxNodeProto { Index = index };
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: // NodeProto.input
                    (node._inputs ??= []).Add(reader.ReadString(field, wire));
                    break;
                case 2: // NodeProto.output
                    (node._outputs ??= []).Add(reader.ReadString(field, wire));
                    break;
                case 3: // NodeProto.name
                    node.Name = reader.ReadString(field, wire);
                    break;
                case 4: // NodeProto.op_type
                    node.OpType = reader.ReadString(field, wire);
                    break;
                case 5: // NodeProto.attribute
                    (node._attributes ??= []).Add(OnnxAttributeProto.Parse(file, reader.ReadMessage(field, wire, "AttributeProto")));
                    break;
                case 7: // NodeProto.domain
                    node.Domain = reader.ReadString(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return node;
    }

    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttributeProto? Attribute(string name) => _attributes?.Find(a => a.Name == name);

    /// <summary>How messages name the node: its name (or its place in the graph) and its op_type.</summary>
    public override string ToString() => Name.Length > 0 ? $"Node \"{Name}\" ({OpType})" : $"Node #{Index} ({OpType})";
}

internal sealed class OnnxAttributeProto
{
    public const int FloatType = 1;
    public const int IntType = 2;
    public const int StringType = 3;
    public const int TensorType = 4;
    public const int FloatsType = 6;
    public const int IntsType = 7;

    public string Name { get; private set; } = "";

    /// <summary>AttributeProto.type (AttributeType), 0 when absent.</summary>
    public long Type { get; private set; }

    public float? F { get; private set; }

    public long? I { get; private set; }

    public string? S { get; private set; }

    public OnnxTensorProto? T { get; private set; }

    private List<float>? _floats;
    private List<long>? _ints;

    public IReadOnlyList<float> Floats => (IReadOnlyList<float>?)_floats ?? [];

    public IReadOnlyList<long> Ints => (IReadOnlyList<long>?)_ints ?? [];

    public static OnnxAttributeProto Parse(byte[] file, ProtobufReader reader)
    {
        var attribute = new OnnxAttributeProto();
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: // AttributeProto.name
                    attribute.Name = reader.ReadString(field, wire);
                    break;
                case 2: // AttributeProto.f
                    attribute.F = reader.ReadFloat(field, wire);
                    break;
                case 3: // AttributeProto.i
                    attribute.I = reader.ReadInt64(field, wire);
                    break;
                case 4: // AttributeProto.s (bytes; the attributes read here are ASCII)
                    attribute.S = reader.ReadString(field, wire);
                    break;
                case 5: // AttributeProto.t (a second record merges into the first)
                    attribute.T = OnnxTensorProto.Parse(file, reader.ReadMessage(field, wire, "TensorProto"), attribute.T);
                    break;
                case 7: // AttributeProto.floats
                    reader.ReadFloats(field, wire, attribute._floats ??= []);
                    break;
                case 8: // AttributeProto.ints
                    reader.ReadInt64s(field, wire, attribute._ints ??= []);
                    break;
                case 20: // AttributeProto.type
                    attribute.Type = reader.ReadInt64(field, wire);
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return attribute;
    }
}

internal sealed class OnnxTensorProto
{
    public const int Float = 1; // TensorProto.DataType.FLOAT
    public const int Float16 = 10; // TensorProto.DataType.FLOAT16
    public const int Double = 11; // TensorProto.DataType.DOUBLE

    private List<float>? _floatData;
    private List<double>? _doubleData;
    private List<long>? _int32Data;
    private List<long>? _dims;
    private byte[] _file = [];
    private int _rawOffset;
    private int _rawLength = -1;

    public string Name { get; private set; } = "";

    public IReadOnlyList<long> Dims => (IReadOnlyList<long>?)_dims ?? [];

    public long DataType { get; private set; }

    /// <summary>Whether the data lies outside the file (data_location = EXTERNAL) or the tensor is one segment of several.</summary>
    public bool External { get; private set; }

    /// <summary>A tensor from <paramref name="reader"/>'s records, merged into <paramref name="into"/> when an earlier record of the same singular field began one.</summary>
    public static OnnxTensorProto Parse(byte[] file, ProtobufReader reader, OnnxTensorProto? into = null)
    {
        OnnxTensorProto tensor = into ?? new OnnxTensorProto { _file = file };
        while (reader.NextField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: // TensorProto.dims
                    reader.ReadInt64s(field, wire, tensor._dims ??= []);
                    break;
                case 2: // TensorProto.data_type
                    tensor.DataType = reader.ReadInt64(field, wire);
                    break;
                case 3: // TensorProto.segment
                    reader.Skip(field, wire);
                    tensor.External = true;
                    break;
                case 4: // TensorProto.float_data
                    reader.ReadFloats(field, wire, tensor._floatData ??= []);
                    break;
                case 5: // TensorProto.int32_data (FLOAT16's bits, one value each)
                    reader.ReadInt64s(field, wire, tensor._int32Data ??= []);
                    break;
                case 8: // TensorProto.name
                    tensor.Name = reader.ReadString(field, wire);
                    break;
                case 9: // TensorProto.raw_data
                    tensor._rawLength = reader.ReadBytes(field, wire, out tensor._rawOffset).Length;
                    break;
                case 10: // TensorProto.double_data
                    reader.ReadDoubles(field, wire, tensor._doubleData ??= []);
                    break;
                case 13: // TensorProto.external_data
                    reader.Skip(field, wire);
                    tensor.External = true;
                    break;
                case 14: // TensorProto.data_location: 1 = EXTERNAL
                    tensor.External |= reader.ReadInt64(field, wire) != 0;
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return tensor;
    }

    /// <summary>
    /// The elements as floats (FLOAT as stored, FLOAT16 and DOUBLE converted), from raw_data (little-endian) or the
    /// typed field, once the element count is shown to be the product of the dims; null with <paramref name="why"/>
    /// when the tensor is not such a tensor.
    /// </summary>
    public float[]? Decode(out string why)
    {
        if (External)
        {
            why = "its data is external or segmented";
            return null;
        }

        long count = 1;
        foreach (long d in Dims)
        {
            if (d < 0)
            {
                why = $"it has a negative dimension ({d})";
                return null;
            }

            // The element count is bounded by the file, so a product past it cannot match the data.
            count = d == 0 || count <= int.MaxValue / d ? count * d : long.MaxValue;
        }

        int width = DataType switch { Float => 4, Float16 => 2, Double => 8, _ => 0 };
        if (width == 0)
        {
            why = $"its data_type is {DataType} (FLOAT = 1, FLOAT16 = 10 and DOUBLE = 11 load)";
            return null;
        }

        int typed = (DataType switch { Float => _floatData?.Count, Float16 => _int32Data?.Count, _ => _doubleData?.Count }) ?? 0;
        long stored = _rawLength >= 0 ? _rawLength / width : typed;
        if ((_rawLength >= 0 && (typed != 0 || _rawLength % width != 0)) || stored != count)
        {
            why = $"its dims [{string.Join(", ", Dims)}] hold {(count == long.MaxValue ? "too many" : count)} elements but it stores {(_rawLength >= 0 ? $"{_rawLength} bytes of raw_data" : $"{typed} typed values")}";
            return null;
        }

        // onnx.proto: each FLOAT16 int32_data value is the 16 bits of one element; more bits are not a FLOAT16, so they are refused rather than cut to 16 bits.
        for (int i = 0; DataType == Float16 && _rawLength < 0 && i < typed; i++)
        {
            if (_int32Data![i] is < 0 or > ushort.MaxValue)
            {
                why = $"its int32_data holds {_int32Data[i]} at element {i}, not the 16 bits of a FLOAT16";
                return null;
            }
        }

        var values = new float[count];
        ReadOnlySpan<byte> raw = _rawLength >= 0 ? _file.AsSpan(_rawOffset, _rawLength) : default;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = DataType switch
            {
                Float => _rawLength >= 0 ? BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]) : _floatData![i],
                Float16 => (float)(_rawLength >= 0 ? BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]) : BitConverter.UInt16BitsToHalf((ushort)_int32Data![i])),
                _ => (float)(_rawLength >= 0 ? BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]) : _doubleData![i]),
            };
        }

        why = "";
        return values;
    }
}

/// <summary>A graph input or output: its name, and when it is a tensor, its element type and shape (each dim a value, or null when symbolic or absent).</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; private set; } = "";

    /// <summary>Whether TypeProto holds a tensor_type.</summary>
    public bool IsTensor { get; private set; }

    public long ElementType { get; private set; }

    /// <summary>The dims, or null when the type gives no shape.</summary>
    public List<long?>? Shape { get; private set; }

    public static OnnxValueInfo Parse(ProtobufReader reader)
    {
        var value = new OnnxValueInfo();
        while (reader.NextField(out int field, out int wire))
        {
            if (field == 1) // ValueInfoProto.name
            {
                value.Name = reader.ReadString(field, wire);
            }
            else if (field == 2) // ValueInfoProto.type (TypeProto)
            {
                ProtobufReader type = reader.ReadMessage(field, wire, "TypeProto");
                while (type.NextField(out int f, out int w))
                {
                    if (f == 1) // TypeProto.tensor_type
                    {
                        value.IsTensor = true;
                        value.ParseTensorType(type.ReadMessage(f, w, "TypeProto.Tensor"));
                    }
                    else
                    {
                        type.Skip(f, w);
                    }
                }
            }
            else
            {
                reader.Skip(field, wire);
            }
        }

        return value;
    }

    private void ParseTensorType(ProtobufReader reader)
    {
        while (reader.NextField(out int field, out int wire))
        {
            if (field == 1) // TypeProto.Tensor.elem_type
            {
                ElementType = reader.ReadInt64(field, wire);
            }
            else if (field == 2) // TypeProto.Tensor.shape (TensorShapeProto)
            {
                Shape ??= []; // a second shape record merges: its dims append
                ProtobufReader shape = reader.ReadMessage(field, wire, "TensorShapeProto");
                while (shape.NextField(out int f, out int w))
                {
                    if (f != 1) // TensorShapeProto.dim
                    {
                        shape.Skip(f, w);
                        continue;
                    }

                    long? dimValue = null;
                    ProtobufReader dim = shape.ReadMessage(f, w, "TensorShapeProto.Dimension");
                    while (dim.NextField(out int df, out int dw))
                    {
                        if (df == 1) // Dimension.dim_value
                        {
                            dimValue = dim.ReadInt64(df, dw);
                        }
                        else
                        {
                            dim.Skip(df, dw); // dim_param, denotation
                        }
                    }

                    Shape.Add(dimValue);
                }
            }
            else
            {
                reader.Skip(field, wire);
            }
        }
    }
}
