// OnnxLoadPatternTests: the node patterns LoadOnnx maps, each in a hand-made graph whose expected network is
// known exactly: the layer sizes, the activations, and the parameters bit for bit in FastMlp's layout (W as
// [in, out]). One pattern per test: the operand orders and encodings exporters differ in (a bias as Add's first
// operand, GELU's and SiLU's operands swapped, constants as Constant nodes), the optional parts (no bias, Identity
// nodes, initializers listed as graph inputs), node order, and the tensor encodings (float_data, FLOAT16, DOUBLE).
using static FastMlp.Tests.Model.Onnx.OnnxGraphBuilder;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxLoadPatternTests
{
    /// <summary>W [2, 3] = [[1, 2, 3], [4, 5, 6]] (PyTorch's [out, in]) as FastMlp's [in, out], then b = [0.5, −0.5].</summary>
    private static readonly float[] s_dense = [1, 4, 2, 5, 3, 6, 0.5f, -0.5f];

    /// <summary>The same weights stored [in, out] (tf2onnx's kernel, MatMul's B).</summary>
    private static readonly float[] s_kernel = [1, 4, 2, 5, 3, 6];

    [Fact]
    public void The_TorchScript_Gemm_with_transB_1_loads_W_transposed()
    {
        Network network = Dense().Load();
        AssertNetwork(network, [3, 2], [Activation.Relu], s_dense);
    }

    [Fact]
    public void A_Gemm_with_transB_0_and_a_bias_of_shape_1_by_out_loads_W_as_stored()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [3, 2], s_kernel)
            .Initializer("b", [1, 2], [0.5f, -0.5f])
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], FloatAttribute("alpha", 1), FloatAttribute("beta", 1), IntAttribute("transA", 0), IntAttribute("transB", 0))
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Identity], s_dense);
    }

    [Fact]
    public void An_INT_attribute_without_its_value_field_is_0_as_protobuf_reads_an_absent_field()
    {
        // A writer that omits default-valued fields (proto3 style) writes transA = 0 and transB = 0 as the name and
        // type alone; protobuf, and ONNX Runtime after it, read the absent i as 0.
        static ProtobufWriter Zero(string name) => new ProtobufWriter().String(1, name).Int(20, 2); // name, type INT, no i
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [3, 2], s_kernel)
            .Initializer("b", [2], [0.5f, -0.5f])
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], Zero("transA"), Zero("transB"))
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Identity], s_dense);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatMul_then_Add_loads_with_the_bias_as_either_operand(bool biasFirst)
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("kernel", [3, 2], s_kernel)
            .Initializer("bias", [2], [0.5f, -0.5f])
            .Node("matmul", "MatMul", ["x", "kernel"], ["mm"])
            .Node("biasadd", "Add", biasFirst ? ["bias", "mm"] : ["mm", "bias"], ["z"])
            .Node("act", "Tanh", ["z"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Tanh], s_dense);
    }

    [Fact]
    public void MatMul_of_a_Transpose_then_Add_loads_as_the_dynamo_exporter_writes_it()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("weight", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("bias", [2], [0.5f, -0.5f])
            .Node("t", "Transpose", ["weight"], ["wt"], IntsAttribute("perm", 1, 0))
            .Node("mm", "MatMul", ["x", "wt"], ["m"])
            .Node("add", "Add", ["m", "bias"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Identity], s_dense);
    }

    [Fact]
    public void MatMul_without_Add_loads_with_a_zero_bias_as_torch_exports_Linear_without_bias()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("kernel", [3, 2], s_kernel)
            .Node("matmul", "MatMul", ["x", "kernel"], ["z"])
            .Node("act", "Sigmoid", ["z"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Sigmoid], [.. s_kernel, 0, 0]);
    }

    [Fact]
    public void Identity_nodes_pass_through_anywhere_on_the_path()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("b", [2], [0.5f, -0.5f])
            .Node("id0", "Identity", ["x"], ["x1"])
            .Node("gemm", "Gemm", ["x1", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("id1", "Identity", ["z"], ["z1"])
            .Node("act", "Relu", ["z1"], ["a"])
            .Node("id2", "Identity", ["a"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Relu], s_dense);
    }

    [Fact]
    public void Nodes_in_reverse_file_order_load_as_in_order()
    {
        OnnxGraphBuilder ordered = TwoLayers(), reversed = TwoLayers().ReverseNodes();
        Network a = ordered.Load(), b = reversed.Load();
        Assert.Equal(a.LayerSizes, b.LayerSizes);
        Assert.Equal([Activation.LeakyRelu, Activation.Softmax], b.Activations);
        Assert.Equal(a.Activations, b.Activations);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
    }

    [Fact]
    public void The_Gelu_operator_of_opset_20_loads_as_Gelu()
    {
        Network network = Dense(opset: 20).ReplaceActivation("Gelu", StringAttribute("approximate", "none"));
        AssertNetwork(network, [3, 2], [Activation.Gelu], s_dense);
    }

    [Fact]
    public void GELU_with_Constant_nodes_and_swapped_operands_loads_as_Gelu()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("b", [2], [0.5f, -0.5f])
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("c_sqrt2", "Constant", [], ["sqrt2"], TensorAttribute([], [1.4142135f]))
            .Node("c_one", "Constant", [], ["one"], TensorAttribute([], [1f]))
            .Node("c_half", "Constant", [], ["half"], TensorAttribute([1], [0.5f]))
            .Node("div", "Div", ["z", "sqrt2"], ["d"])
            .Node("erf", "Erf", ["d"], ["e"])
            .Node("add", "Add", ["one", "e"], ["p"])
            .Node("mul", "Mul", ["p", "z"], ["m"])
            .Node("mul_half", "Mul", ["half", "m"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Gelu], s_dense);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SiLU_as_Mul_of_z_and_its_Sigmoid_loads_in_either_operand_order(bool sigmoidFirst)
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("b", [2], [0.5f, -0.5f])
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("sigmoid", "Sigmoid", ["z"], ["s"])
            .Node("mul", "Mul", sigmoidFirst ? ["s", "z"] : ["z", "s"], ["y"])
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Silu], s_dense);
    }

    [Theory]
    [InlineData(OnnxGraphBuilder.Float, false)]
    [InlineData(OnnxGraphBuilder.Float16, true)]
    [InlineData(OnnxGraphBuilder.Float16, false)]
    [InlineData(OnnxGraphBuilder.Double, true)]
    [InlineData(OnnxGraphBuilder.Double, false)]
    public void Weights_in_typed_fields_FLOAT16_and_DOUBLE_load_as_floats(int dataType, bool raw)
    {
        // Every value here is exact in FLOAT16, so each encoding gives the same floats.
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6], raw, dataType)
            .Initializer("b", [2], [0.5f, -0.5f], raw, dataType)
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], IntAttribute("transB", 1))
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Identity], s_dense);
    }

    [Fact]
    public void Softmax_before_opset_13_loads_with_its_default_axis_1()
    {
        Network network = Dense(opset: 11).ReplaceActivation("Softmax");
        AssertNetwork(network, [3, 2], [Activation.Softmax], s_dense);
    }

    [Fact]
    public void Initializers_listed_as_graph_inputs_too_load_as_before_IR_version_4()
    {
        Network network = Dense().Input("W", 3).Input("b", 2).Load();
        AssertNetwork(network, [3, 2], [Activation.Relu], s_dense);
    }

    [Fact]
    public void Weights_as_Constant_nodes_load()
    {
        Network network = new OnnxGraphBuilder()
            .Input("x", 3).Output("y", 2)
            .Node("w", "Constant", [], ["W"], TensorAttribute([2, 3], [1, 2, 3, 4, 5, 6]))
            .Node("b", "Constant", [], ["B"], TensorAttribute([2], [0.5f, -0.5f]))
            .Node("gemm", "Gemm", ["x", "W", "B"], ["y"], IntAttribute("transB", 1))
            .Load();
        AssertNetwork(network, [3, 2], [Activation.Identity], s_dense);
    }

    [Fact]
    public void A_path_loads_from_a_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastmlp-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, Dense().ToBytes());
            AssertNetwork(Network.LoadOnnx(path), [3, 2], [Activation.Relu], s_dense);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>3 → 4 (LeakyRelu) → 2 (Softmax), MatMul + Add then Gemm.</summary>
    private static OnnxGraphBuilder TwoLayers() => new OnnxGraphBuilder()
        .Input("x", 3).Output("y", 2)
        .Initializer("W1", [3, 4], [.. Enumerable.Range(1, 12).Select(i => i / 8f)])
        .Initializer("b1", [4], [1, 2, 3, 4])
        .Initializer("W2", [2, 4], [.. Enumerable.Range(1, 8).Select(i => -i / 4f)])
        .Initializer("b2", [2], [-1, 1])
        .Node("mm1", "MatMul", ["x", "W1"], ["m1"])
        .Node("add1", "Add", ["m1", "b1"], ["z1"])
        .Node("leaky", "LeakyRelu", ["z1"], ["a1"], FloatAttribute("alpha", 0.01f))
        .Node("gemm2", "Gemm", ["a1", "W2", "b2"], ["z2"], IntAttribute("transB", 1))
        .Node("soft", "Softmax", ["z2"], ["y"], IntAttribute("axis", 1));

    private static void AssertNetwork(Network network, int[] sizes, Activation[] activations, float[] parameters)
    {
        Assert.Equal(sizes, network.LayerSizes);
        Assert.Equal(activations, network.Activations);
        Assert.Equal(parameters, network.Parameters.ToArray());
    }
}
