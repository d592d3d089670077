// OnnxGraphMapper: an ONNX graph as dense layers, by following the data from the graph's one input to its one
// output. The graph is first checked as a graph (every value defined once, every input defined, no cycle: Kahn's
// algorithm, so node order does not matter), then walked: each layer is one of the linear patterns the common
// exporters write, then an optional activation, Identity nodes passing through anywhere:
//   Gemm(x, W, C?)  transA = 0, alpha = beta = 1; transB = 1 (W [out, in], torch.onnx.export's TorchScript exporter)
//                   or 0 (W [in, out], SaveOnnx); C [out] or [1, out], absent = zero bias
//   MatMul(x, W [in, out]) then Add(·, b) or Add(b, ·)        (tf2onnx's Keras Dense; TorchScript for bias=False
//                   writes the MatMul alone: zero bias)
//   MatMul(x, Transpose(W [out, in], perm [1, 0])) then Add    (the dynamo exporter's aten::linear)
//   activation: Relu, Sigmoid, Tanh, LeakyRelu (alpha 0.01 as a float), Softmax (axis −1 or 1: on rank 2 both
//   are the last axis, under opset-13 semantics and the older coerce-to-2D ones alike), Gelu (opset ≥ 20,
//   approximate "none"), SiLU as Mul(z, Sigmoid(z)), GELU as Mul(Mul(z, Add(Erf(Div(z, √2)), 1)), 0.5) (torch's
//   form, which SaveOnnx also writes; operands of Add and the Muls in either order; constants as initializers
//   or Constant nodes).
// Weights and biases are constants (initializers or Constant nodes) read by that one node, so a hostile graph
// cannot make many layers of one tensor; each layer's input size must be the previous one's output size, and
// the graph's declared input and output sizes, where fixed, must match. Anything else is a ModelFormatException
// naming the first node it cannot map (its name and op_type) and why.
using System.Globalization;

namespace FastMlp;

internal sealed class OnnxGraphMapper
{
    /// <summary>GELU's divisor as torch writes it: √2 rounded to float.</summary>
    private static readonly float s_sqrt2 = MathF.Sqrt(2);

    /// <summary>Readers' answer for a value no node reads; never added to.</summary>
    private static readonly List<OnnxNodeProto> s_noReaders = [];

    private readonly OnnxGraphProto _graph;
    private readonly long _opset;
    private readonly Dictionary<string, Constant> _constants = [];
    private readonly Dictionary<string, List<OnnxNodeProto>> _readers = [];
    private readonly Dictionary<string, OnnxNodeProto> _producers = [];
    private readonly HashSet<OnnxNodeProto> _mapped = [];
    private readonly string _output;

    private OnnxGraphMapper(OnnxGraphProto graph, long opset, string output)
    {
        _graph = graph;
        _opset = opset;
        _output = output;
    }

    /// <summary>The layers of <paramref name="model"/>'s graph, in order from input to output.</summary>
    public static List<OnnxLayer> Map(OnnxModelProto model)
    {
        OnnxGraphProto graph = model.Graph ?? throw Fail(ModelFormatError.UnsupportedGraph, "The ModelProto has no graph.");
        long opset = -1;
        foreach ((string domain, long version) in model.Opsets)
        {
            if (domain is "" or "ai.onnx")
            {
                opset = version;
            }
        }

        if (opset < 1)
        {
            throw Fail(ModelFormatError.UnsupportedGraph, "The model imports no opset of the default ONNX domain.");
        }

        (OnnxValueInfo input, OnnxValueInfo output) = InputAndOutput(graph);
        var mapper = new OnnxGraphMapper(graph, opset, output.Name);
        mapper.CheckGraph(input.Name);
        List<OnnxLayer> layers = mapper.Walk(input.Name);
        CheckDeclaredSize(input, layers[0].Inputs, "input");
        CheckDeclaredSize(output, layers[^1].Outputs, "output");
        return layers;
    }

    private static ModelFormatException Fail(ModelFormatError reason, string message) => new(reason, message);

    private static ModelFormatException Unmapped(OnnxNodeProto node, string why) => new(ModelFormatError.UnsupportedGraph, $"{node} cannot be mapped to a dense layer: {why}.");

    /// <summary>The one graph input that is not an initializer (before IR version 4 initializers are listed as inputs too) and the one output.</summary>
    private static (OnnxValueInfo Input, OnnxValueInfo Output) InputAndOutput(OnnxGraphProto graph)
    {
        var initializers = new HashSet<string>(graph.Initializers.Select(t => t.Name));
        List<OnnxValueInfo> inputs = graph.Inputs.FindAll(v => !initializers.Contains(v.Name));
        if (inputs.Count != 1)
        {
            throw Fail(ModelFormatError.UnsupportedGraph, $"The graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(v => v.Name))}); an MLP has one.");
        }

        if (graph.Outputs.Count != 1)
        {
            throw Fail(ModelFormatError.UnsupportedGraph, $"The graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(v => v.Name))}); an MLP has one.");
        }

        foreach ((OnnxValueInfo value, string role) in new[] { (inputs[0], "input"), (graph.Outputs[0], "output") })
        {
            if (!value.IsTensor || value.ElementType != OnnxTensorProto.Float)
            {
                throw Fail(ModelFormatError.UnsupportedGraph, $"The graph {role} \"{value.Name}\" is {(value.IsTensor ? $"a tensor of element type {value.ElementType}" : "not a tensor")}; FastMlp takes and gives float (1) tensors.");
            }

            if (value.Shape is { Count: not 2 } shape)
            {
                throw Fail(ModelFormatError.UnsupportedGraph, $"The graph {role} \"{value.Name}\" has rank {shape.Count}; FastMlp takes and gives [batch, features].");
            }
        }

        return (inputs[0], graph.Outputs[0]);
    }

    private static void CheckDeclaredSize(OnnxValueInfo value, int size, string role)
    {
        if (value.Shape is [_, long declared] && declared != size)
        {
            throw Fail(ModelFormatError.ArchitectureMismatch, $"The graph {role} \"{value.Name}\" declares {declared} features but the {(role == "input" ? "first layer takes" : "last layer gives")} {size}.");
        }
    }

    /// <summary>Every value defined once, every node input defined, and no cycle; collects the constants and each value's readers.</summary>
    private void CheckGraph(string input)
    {
        var defined = new HashSet<string> { input };
        foreach (OnnxTensorProto initializer in _graph.Initializers)
        {
            if (!defined.Add(initializer.Name))
            {
                throw Fail(ModelFormatError.UnsupportedGraph, $"The graph defines \"{initializer.Name}\" twice ({(initializer.Name == input ? "the input and an initializer" : "two initializers")}).");
            }

            // An empty name is an omitted input (onnx.proto), so a tensor named so is never an operand.
            if (initializer.Name.Length > 0)
            {
                _constants[initializer.Name] = new Constant(initializer, $"initializer \"{initializer.Name}\"");
            }
        }

        foreach (OnnxNodeProto node in _graph.Nodes)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw Unmapped(node, $"its domain is \"{node.Domain}\"; FastMlp maps operators of the default ONNX domain");
            }

            if (node.Outputs.Count == 0)
            {
                throw Unmapped(node, "it has no output");
            }

            // Index loops: an IReadOnlyList's enumerator is an allocation per node.
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                string output = node.Outputs[o];
                if (!defined.Add(output))
                {
                    throw Unmapped(node, $"it writes \"{output}\", which the graph already defines");
                }

                _producers[output] = node;
            }

            if (node.OpType == "Constant" && node.Outputs[0].Length > 0)
            {
                _constants[node.Outputs[0]] = new Constant(node.Attribute("value")?.T, node.ToString());
            }
        }

        if (!defined.Contains(_output))
        {
            throw Fail(ModelFormatError.UnsupportedGraph, $"The graph output \"{_output}\" is written by no node.");
        }

        // Kahn's algorithm: a node is ready once every node it reads from is; what is never ready is on a cycle.
        var waiting = new Dictionary<OnnxNodeProto, int>();
        var ready = new Queue<OnnxNodeProto>();
        foreach (OnnxNodeProto node in _graph.Nodes)
        {
            int pending = 0;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                string name = node.Inputs[i];
                if (name.Length == 0)
                {
                    continue; // an omitted optional input
                }

                if (!defined.Contains(name))
                {
                    throw Unmapped(node, $"it reads \"{name}\", which no node, initializer or graph input defines");
                }

                if (!_readers.TryGetValue(name, out List<OnnxNodeProto>? readers))
                {
                    _readers[name] = readers = [];
                }

                readers.Add(node);
                pending += _producers.ContainsKey(name) ? 1 : 0;
            }

            waiting[node] = pending;
            if (pending == 0)
            {
                ready.Enqueue(node);
            }
        }

        int sorted = 0;
        while (ready.TryDequeue(out OnnxNodeProto? node))
        {
            sorted++;
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                string output = node.Outputs[o];

                // Readers holds a node once per input it reads the value as, as pending counted them: O(edges) in all.
                foreach (OnnxNodeProto reader in Readers(output))
                {
                    if (--waiting[reader] == 0)
                    {
                        ready.Enqueue(reader);
                    }
                }
            }
        }

        if (sorted < _graph.Nodes.Count)
        {
            throw Unmapped(_graph.Nodes.First(n => waiting[n] > 0), "it is on a cycle, or reads from one");
        }
    }

    /// <summary>The nodes reading <paramref name="value"/>, once per input they read it as; read-only (the shared empty list when none does, so asking allocates nothing).</summary>
    private List<OnnxNodeProto> Readers(string value) => _readers.TryGetValue(value, out List<OnnxNodeProto>? readers) ? readers : s_noReaders;

    private List<OnnxLayer> Walk(string input)
    {
        var layers = new List<OnnxLayer>();
        string x = Follow(input);
        if (x == _output)
        {
            throw Fail(ModelFormatError.UnsupportedGraph, $"The graph input \"{input}\" reaches the output through no Gemm or MatMul: the graph has no layer.");
        }

        // The graph is acyclic and each step maps the nodes it passes, so the walk ends.
        do
        {
            OnnxNodeProto node = SoleReader(x, layers.Count == 0 ? "the graph input" : $"layer {layers.Count}'s output");
            (string z, OnnxLayer layer) = Linear(node, x);
            if (layers.Count > 0 && layer.Inputs != layers[^1].Outputs)
            {
                throw Fail(ModelFormatError.ArchitectureMismatch, $"{node} takes {layer.Inputs} features but layer {layers.Count} gives {layers[^1].Outputs}.");
            }

            (x, layer.Activation, OnnxNodeProto? activation) = Activate(Follow(z));
            x = Follow(x);
            if (layer.Activation == Activation.Softmax && x != _output)
            {
                throw Unmapped(activation!, "Softmax is supported on the output layer only, and its output is not the graph's");
            }

            layers.Add(layer);
        }
        while (x != _output);

        if (Readers(x).Count > 0)
        {
            throw Unmapped(Readers(x)[0], $"it reads the graph output \"{x}\"");
        }

        OnnxNodeProto? stray = _graph.Nodes.Find(n => !_mapped.Contains(n) && n.OpType != "Constant");
        if (stray is not null)
        {
            throw Unmapped(stray, "it is not on the path from the graph input to the output");
        }

        return layers;
    }

    /// <summary>The value after any chain of Identity nodes that is <paramref name="value"/>'s only reader.</summary>
    private string Follow(string value)
    {
        while (value != _output && Readers(value) is [{ OpType: "Identity" } identity])
        {
            CheckArity(identity, 1);
            _mapped.Add(identity);
            value = identity.Outputs[0];
        }

        return value;
    }

    private OnnxNodeProto SoleReader(string value, string what)
    {
        List<OnnxNodeProto> readers = Readers(value);
        return readers.Count switch
        {
            0 => throw Fail(ModelFormatError.UnsupportedGraph, $"No node reads {what} \"{value}\", and it is not the graph output \"{_output}\"."),
            1 => readers[0],
            _ => throw Unmapped(readers[1], $"it is a second reader of {what} \"{value}\" (a branch)"),
        };
    }

    /// <summary>A layer's linear part starting at <paramref name="node"/>, which reads <paramref name="x"/>: its output z and the layer (W as FastMlp's [in, out]).</summary>
    private (string Z, OnnxLayer Layer) Linear(OnnxNodeProto node, string x)
    {
        if (node.OpType is not ("Gemm" or "MatMul"))
        {
            throw Unmapped(node, $"a layer starts with Gemm or MatMul, and this node reads \"{x}\" there");
        }

        if (node.Inputs.Count < 2 || node.Inputs[0] != x || node.Inputs.Skip(1).Contains(x))
        {
            throw Unmapped(node, $"it must read \"{x}\" as its first operand only, the weights second");
        }

        _mapped.Add(node);
        if (node.OpType == "Gemm")
        {
            return Gemm(node);
        }

        CheckArity(node, 2);
        string w = node.Inputs[1];
        OnnxLayer layer;
        if (_constants.ContainsKey(w))
        {
            (float[] weights, int rows, int columns) = Matrix(node, w);
            layer = new OnnxLayer(weights, rows, columns);
        }
        else
        {
            // The dynamo exporter: MatMul(x, Transpose(W [out, in], perm [1, 0])).
            OnnxNodeProto transpose = TransposeOf(node, w);
            _mapped.Add(transpose);
            (float[] weights, int rows, int columns) = Matrix(transpose, transpose.Inputs[0]);
            layer = OnnxLayer.FromTransposed(weights, rows, columns);
        }

        string z = node.Outputs[0];
        if (Readers(z) is [{ OpType: "Add" } add] && z != _output)
        {
            string? b = add.Inputs.Count == 2 && add.Inputs[0] == z ? add.Inputs[1] : add.Inputs.Count == 2 && add.Inputs[1] == z ? add.Inputs[0] : null;
            if (b is not null && _constants.ContainsKey(b))
            {
                CheckArity(add, 2);
                layer.Bias = Bias(add, b, layer.Outputs);
                _mapped.Add(add);
                z = add.Outputs[0];
            }
        }

        return (z, layer);
    }

    private (string Z, OnnxLayer Layer) Gemm(OnnxNodeProto node)
    {
        if (node.Inputs.Count > 3 || node.Outputs.Count != 1)
        {
            throw Unmapped(node, $"it has {node.Inputs.Count} inputs and {node.Outputs.Count} outputs; Gemm has 2 or 3 and 1");
        }

        if (IntAttribute(node, "transA", 0) != 0)
        {
            throw Unmapped(node, "transA = 1 transposes the layer's input; exporters write transA = 0");
        }

        bool hasBias = node.Inputs.Count == 3 && node.Inputs[2].Length > 0;
        foreach (string scale in hasBias ? ["alpha", "beta"] : new[] { "alpha" })
        {
            float value = FloatAttribute(node, scale, 1f);
            if (value != 1f)
            {
                throw Unmapped(node, string.Create(CultureInfo.InvariantCulture, $"{scale} = {value}; a dense layer is Gemm with alpha = beta = 1"));
            }
        }

        long transB = IntAttribute(node, "transB", 0);
        if (transB is not (0 or 1))
        {
            throw Unmapped(node, $"transB = {transB} is neither 0 nor 1");
        }

        (float[] weights, int rows, int columns) = Matrix(node, node.Inputs[1]);
        OnnxLayer layer = transB == 1 ? OnnxLayer.FromTransposed(weights, rows, columns) : new OnnxLayer(weights, rows, columns);
        if (hasBias)
        {
            layer.Bias = Bias(node, node.Inputs[2], layer.Outputs);
        }

        return (node.Outputs[0], layer);
    }

    /// <summary>The activation reading <paramref name="z"/>: its output, the activation, and its (last) node.</summary>
    private (string A, Activation Activation, OnnxNodeProto? Node) Activate(string z)
    {
        if (z == _output)
        {
            return (z, Activation.Identity, null);
        }

        List<OnnxNodeProto> readers = Readers(z);
        if (readers.Count == 2)
        {
            return Silu(z, readers) ?? Gelu(z, readers) ?? throw Unmapped(readers[1], $"it is a second reader of \"{z}\", and with {readers[0]} it forms neither SiLU (Mul(z, Sigmoid(z))) nor GELU (Mul(Mul(z, Add(Erf(Div(z, √2)), 1)), 0.5))");
        }

        OnnxNodeProto node = SoleReader(z, "the layer's linear output");
        if (node.OpType is "Gemm" or "MatMul")
        {
            return (z, Activation.Identity, null); // the next layer's linear part: this layer has no activation
        }

        CheckArity(node, 1);
        Activation activation = node.OpType switch
        {
            "Relu" => Activation.Relu,
            "Sigmoid" => Activation.Sigmoid,
            "Tanh" => Activation.Tanh,
            "LeakyRelu" => LeakyRelu(node),
            "Softmax" => Softmax(node),
            "Gelu" when _opset >= 20 => GeluOperator(node),
            _ => throw Unmapped(node, "it is not an activation FastMlp maps (Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Gelu, SiLU as Mul(z, Sigmoid(z)), GELU in erf form) nor the next layer's Gemm or MatMul"),
        };
        _mapped.Add(node);
        return (node.Outputs[0], activation, node);
    }

    private static Activation LeakyRelu(OnnxNodeProto node)
    {
        float alpha = FloatAttribute(node, "alpha", 0.01f);
        return alpha == 0.01f ? Activation.LeakyRelu : throw Unmapped(node, string.Create(CultureInfo.InvariantCulture, $"alpha = {alpha}; FastMlp's LeakyRelu has alpha 0.01 (PyTorch's default)"));
    }

    private Activation Softmax(OnnxNodeProto node)
    {
        long axis = IntAttribute(node, "axis", _opset >= 13 ? -1 : 1);
        return axis is -1 or 1 ? Activation.Softmax : throw Unmapped(node, $"axis = {axis}; on [batch, features] FastMlp's Softmax is axis 1 (or -1)");
    }

    private static Activation GeluOperator(OnnxNodeProto node)
    {
        string approximate = node.Attribute("approximate")?.S ?? "none";
        return approximate == "none" ? Activation.Gelu : throw Unmapped(node, $"approximate = \"{approximate}\"; FastMlp's GELU is the exact (erf) form");
    }

    /// <summary>SiLU: Sigmoid(z) → s and Mul(z, s) (either order), z's two readers; null when they are not.</summary>
    private (string, Activation, OnnxNodeProto?)? Silu(string z, List<OnnxNodeProto> readers)
    {
        OnnxNodeProto? sigmoid = readers.Find(n => n.OpType == "Sigmoid" && n.Inputs is [_] && n.Outputs is [_]);
        OnnxNodeProto? mul = readers.Find(n => n != sigmoid);
        if (sigmoid is null || mul is null || !IsPair(mul, "Mul", z, sigmoid.Outputs[0]) || Readers(sigmoid.Outputs[0]).Count != 1)
        {
            return null;
        }

        _mapped.UnionWith([sigmoid, mul]);
        return (mul.Outputs[0], Activation.Silu, mul);
    }

    /// <summary>GELU as torch writes it: Div(z, √2) → Erf → Add(·, 1) → Mul(z, ·) → Mul(·, 0.5), z's two readers the Div and the first Mul; null when not.</summary>
    private (string, Activation, OnnxNodeProto?)? Gelu(string z, List<OnnxNodeProto> readers)
    {
        OnnxNodeProto? div = readers.Find(n => n.OpType == "Div" && n.Inputs is [_, _] && n.Outputs is [_] && n.Inputs[0] == z && IsScalar(n, n.Inputs[1], s_sqrt2));
        OnnxNodeProto? mul = readers.Find(n => n != div);
        if (div is null || mul is null
            || Next(div.Outputs[0], "Erf") is not { Inputs: [_] } erf
            || Next(erf.Outputs[0], "Add") is not { } add || !IsScaled(add, erf.Outputs[0], 1f)
            || !IsPair(mul, "Mul", z, add.Outputs[0]) || Readers(add.Outputs[0]).Count != 1
            || Next(mul.Outputs[0], "Mul") is not { } half || !IsScaled(half, mul.Outputs[0], 0.5f))
        {
            return null;
        }

        _mapped.UnionWith([div, erf, add, mul, half]);
        return (half.Outputs[0], Activation.Gelu, half);
    }

    /// <summary><paramref name="value"/>'s only reader when it is an <paramref name="op"/> with one output; null otherwise.</summary>
    private OnnxNodeProto? Next(string value, string op) =>
        value != _output && Readers(value) is [var node] && node.OpType == op && node.Outputs is [_] ? node : null;

    /// <summary>Whether <paramref name="node"/> is <paramref name="op"/>(a, b) or <paramref name="op"/>(b, a) with one output.</summary>
    private static bool IsPair(OnnxNodeProto node, string op, string a, string b) =>
        node.OpType == op && node.Outputs is [_] && node.Inputs is [var first, var second] && ((first == a && second == b) || (first == b && second == a));

    /// <summary>Whether <paramref name="node"/> (two operands, one output) combines <paramref name="value"/> with a scalar constant equal to <paramref name="scalar"/>, in either order.</summary>
    private bool IsScaled(OnnxNodeProto node, string value, float scalar) =>
        node.Inputs is [var first, var second] && node.Outputs is [_]
        && ((first == value && IsScalar(node, second, scalar)) || (second == value && IsScalar(node, first, scalar)));

    private bool IsScalar(OnnxNodeProto node, string name, float scalar)
    {
        // The shape first (rank 0, 1 or 2, one element), so a large tensor in a scalar's place is not decoded.
        if (!_constants.TryGetValue(name, out Constant? constant) || constant.Tensor is not { Dims: { Count: <= 2 } dims } || dims.Any(d => d != 1))
        {
            return false;
        }

        float[] values = Values(node, name);
        return values is [var v] && v == scalar;
    }

    /// <summary>The Transpose(W, perm [1, 0]) that writes <paramref name="name"/> for <paramref name="matMul"/>, read by it alone.</summary>
    private OnnxNodeProto TransposeOf(OnnxNodeProto matMul, string name)
    {
        OnnxNodeProto? transpose = _producers.GetValueOrDefault(name);
        if (transpose is not { OpType: "Transpose", Inputs: [var source], Outputs: [_] } || !_constants.ContainsKey(source))
        {
            throw Unmapped(matMul, $"its weights \"{name}\" are neither a constant nor Transpose of one");
        }

        OnnxAttributeProto? perm = transpose.Attribute("perm");
        if (perm is not null && perm.Ints is not [1, 0])
        {
            throw Unmapped(transpose, $"perm = [{string.Join(", ", perm.Ints)}]; the weights' transpose is perm [1, 0]");
        }

        if (Readers(name).Count != 1)
        {
            throw Unmapped(Readers(name)[1], $"it is a second reader of the transposed weights \"{name}\"");
        }

        return transpose;
    }

    /// <summary>A layer's weights, the constant <paramref name="source"/> read by <paramref name="node"/> alone: the values and the stored [rows, columns].</summary>
    private (float[] Values, int Rows, int Columns) Matrix(OnnxNodeProto node, string source)
    {
        if (!_constants.TryGetValue(source, out Constant? constant))
        {
            throw Unmapped(node, $"its weights \"{source}\" are not a constant (an initializer or a Constant node)");
        }

        float[] values = Values(node, source);
        if (constant.Tensor!.Dims is not [long rows, long columns] || rows < 1 || columns < 1)
        {
            throw Fail(ModelFormatError.InvalidShape, $"{node}: its weights {constant.Description} have shape [{string.Join(", ", constant.Tensor.Dims)}], not [rows ≥ 1, columns ≥ 1].");
        }

        CheckSoleReader(node, source);
        return (values, (int)rows, (int)columns);
    }

    /// <summary>A layer's bias read by <paramref name="node"/>: <paramref name="outputs"/> values, shaped [out] or [1, out].</summary>
    private float[] Bias(OnnxNodeProto node, string name, int outputs)
    {
        if (!_constants.TryGetValue(name, out Constant? constant))
        {
            throw Unmapped(node, $"its bias \"{name}\" is not a constant (an initializer or a Constant node)");
        }

        float[] values = Values(node, name);
        IReadOnlyList<long> dims = constant.Tensor!.Dims;
        if (dims.Count is not (1 or 2) || (dims.Count == 2 && dims[0] != 1) || dims[^1] != outputs)
        {
            throw Fail(ModelFormatError.ArchitectureMismatch, $"{node}: its bias {constant.Description} has shape [{string.Join(", ", constant.Tensor.Dims)}]; the layer has {outputs} outputs, so the bias is [{outputs}] or [1, {outputs}].");
        }

        CheckSoleReader(node, name);
        return values;
    }

    /// <summary>A weight or bias is read by its layer alone, so no tensor is counted twice (and a small file cannot make a huge network).</summary>
    private void CheckSoleReader(OnnxNodeProto node, string name)
    {
        List<OnnxNodeProto> readers = Readers(name);
        if (readers.Count != 1)
        {
            // The other reader, or the node itself when it reads the tensor twice (Gemm(x, W, W)).
            OnnxNodeProto? other = readers.Find(n => n != node);
            throw other is null
                ? Unmapped(node, $"it reads \"{name}\" twice, as its weights or bias and again")
                : Unmapped(other, $"it reads \"{name}\", which is {node}'s weights or bias");
        }
    }

    /// <summary>A constant's values as floats, or a ModelFormatException naming <paramref name="node"/> and the tensor.</summary>
    private float[] Values(OnnxNodeProto node, string name)
    {
        Constant constant = _constants[name];
        if (constant.Tensor is null)
        {
            throw Unmapped(node, $"it reads {constant.Description}, which has no tensor \"value\" attribute");
        }

        return constant.Tensor.Decode(out string why) ?? throw Fail(
            constant.Tensor.DataType is OnnxTensorProto.Float or OnnxTensorProto.Float16 or OnnxTensorProto.Double ? ModelFormatError.InvalidShape : ModelFormatError.UnsupportedDtype,
            $"{node} reads {constant.Description}, which cannot load: {why}.");
    }

    private static void CheckArity(OnnxNodeProto node, int inputs)
    {
        if (node.Inputs.Count != inputs || node.Outputs.Count != 1)
        {
            throw Unmapped(node, $"it has {node.Inputs.Count} inputs and {node.Outputs.Count} outputs, not {inputs} and 1");
        }
    }

    /// <summary>
    /// The attribute's f, <paramref name="fallback"/> when the node has no such attribute. An attribute typed FLOAT
    /// without an f field is 0, as protobuf reads an absent field (writers that omit default values write 0 so).
    /// </summary>
    private static float FloatAttribute(OnnxNodeProto node, string name, float fallback)
    {
        OnnxAttributeProto? attribute = node.Attribute(name);
        return attribute is null ? fallback
            : attribute.F ?? (attribute.Type == OnnxAttributeProto.FloatType ? 0f : throw Unmapped(node, $"its attribute {name} is not a float"));
    }

    /// <summary>The attribute's i, as <see cref="FloatAttribute"/> reads f: an attribute typed INT without an i field is 0.</summary>
    private static long IntAttribute(OnnxNodeProto node, string name, long fallback)
    {
        OnnxAttributeProto? attribute = node.Attribute(name);
        return attribute is null ? fallback
            : attribute.I ?? (attribute.Type == OnnxAttributeProto.IntType ? 0 : throw Unmapped(node, $"its attribute {name} is not an int"));
    }

    /// <summary>An initializer or Constant node's tensor (null when a Constant node holds no tensor "value").</summary>
    private sealed record Constant(OnnxTensorProto? Tensor, string Description);
}

/// <summary>One dense layer read from a graph: W as FastMlp stores it ([in, out] row-major), the bias (zeros when the graph has none), the activation.</summary>
internal sealed class OnnxLayer
{
    public OnnxLayer(float[] weights, int inputs, int outputs)
    {
        Weights = weights;
        Inputs = inputs;
        Outputs = outputs;
        Bias = new float[outputs];
    }

    public float[] Weights { get; }

    public int Inputs { get; }

    public int Outputs { get; }

    public float[] Bias { get; set; }

    public Activation Activation { get; set; }

    /// <summary>A layer from weights stored [out, in] (PyTorch's nn.Linear.weight), transposed into [in, out].</summary>
    public static OnnxLayer FromTransposed(float[] weights, int outputs, int inputs)
    {
        var transposed = new float[weights.Length];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                transposed[(i * outputs) + o] = weights[(o * inputs) + i];
            }
        }

        return new OnnxLayer(transposed, inputs, outputs);
    }
}
