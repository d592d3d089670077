// OnnxLoadRefusalTests: graphs LoadOnnx cannot map are a ModelFormatException whose reason says which rule the
// graph broke and whose message names the first node it cannot map (its name and op_type) and why.
using System.Globalization;

using static FastMlp.Tests.Model.Onnx.OnnxGraphBuilder;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxLoadRefusalTests
{
    /// <summary>Input "x" [N, 3], W [2, 3] and b [2] as initializers, output "y" [N, 2]; the test adds the nodes.</summary>
    private static OnnxGraphBuilder Graph(long opset = 13) => new OnnxGraphBuilder { Opset = opset }
        .Input("x", 3)
        .Output("y", 2)
        .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
        .Initializer("b", [2], [0.5f, -0.5f]);

    [Fact]
    public void An_unsupported_operator_is_refused_naming_the_node()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("act", "HardSwish", ["z"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"act\" (HardSwish)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Gemm_with_transA_1_is_refused_naming_the_node_and_transA()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], IntAttribute("transA", 1), IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
        Assert.Contains("transA = 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("beta")]
    public void A_Gemm_whose_alpha_or_beta_is_not_1_is_refused_naming_it(string scale)
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], FloatAttribute(scale, 2f), IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{scale} = 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_LeakyRelu_whose_alpha_is_not_0_01_is_refused_naming_the_alpha()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("leaky", "LeakyRelu", ["z"], ["y"], FloatAttribute("alpha", 0.2f))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"leaky\" (LeakyRelu)", e.Message, StringComparison.Ordinal);
        Assert.Contains("alpha = 0.2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_named_alpha_is_written_in_the_invariant_culture()
    {
        CultureInfo culture = CultureInfo.CurrentCulture;
        try
        {
            // A decimal comma, as de-DE writes (a clone: the tests may run in globalization-invariant mode).
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            ModelFormatException e = Graph()
                .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
                .Node("leaky", "LeakyRelu", ["z"], ["y"], FloatAttribute("alpha", 0.2f))
                .Refusal();
            Assert.Contains("alpha = 0.2;", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void A_missing_initializer_is_refused_naming_the_node_and_the_value()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W_missing", "b"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"W_missing\", which no node, initializer or graph input defines", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_is_refused_naming_a_node_on_it()
    {
        // add reads relu's output, relu reads add's: neither can run first.
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("add", "Add", ["z", "y"], ["s"])
            .Node("relu", "Relu", ["s"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"add\" (Add)", e.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_reading_one_value_twice_is_no_cycle_but_a_second_reader()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("square", "Mul", ["z", "z"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"square\" (Mul)", e.Message, StringComparison.Ordinal);
        Assert.Contains("second reader of \"z\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_with_two_outputs_is_refused_naming_them()
    {
        ModelFormatException e = Graph()
            .Output("z", 2)
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("act", "Relu", ["z"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("2 outputs (y, z)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_branch_is_refused_naming_the_second_reader()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("relu", "Relu", ["z"], ["r"])
            .Node("tanh", "Tanh", ["z"], ["t"])
            .Node("sum", "Add", ["r", "t"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"tanh\" (Tanh)", e.Message, StringComparison.Ordinal);
        Assert.Contains("second reader of \"z\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_that_are_not_a_constant_are_refused_naming_the_layer()
    {
        ModelFormatException e = Graph()
            .Node("computed", "Relu", ["W"], ["W2"])
            .Node("gemm", "Gemm", ["x", "W2", "b"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"W2\" are not a constant", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_read_by_two_layers_is_refused_naming_the_second()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 2)
            .Output("y", 2)
            .Initializer("W", [2, 2], [1, 2, 3, 4])
            .Node("gemm1", "Gemm", ["x", "W"], ["h"])
            .Node("gemm2", "Gemm", ["h", "W"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gemm2\" (Gemm)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_off_the_path_from_input_to_output_is_refused_naming_it()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["y"], IntAttribute("transB", 1))
            .Initializer("c", [1], [1])
            .Node("dead", "Relu", ["c"], ["unused"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"dead\" (Relu)", e.Message, StringComparison.Ordinal);
        Assert.Contains("not on the path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_float_input_is_refused_naming_its_element_type()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3, elementType: 7)
            .Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("\"x\" is a tensor of element type 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Softmax_on_a_hidden_layer_is_refused_naming_the_Softmax()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 2)
            .Output("y", 2)
            .Initializer("W1", [2, 2], [1, 2, 3, 4])
            .Initializer("W2", [2, 2], [1, 2, 3, 4])
            .Node("gemm1", "Gemm", ["x", "W1"], ["z"])
            .Node("soft", "Softmax", ["z"], ["a"], IntAttribute("axis", -1))
            .Node("gemm2", "Gemm", ["a", "W2"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"soft\" (Softmax)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_whose_shapes_do_not_chain_are_refused_naming_the_second()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 2)
            .Output("y", 2)
            .Initializer("W1", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("W2", [2, 2], [1, 2, 3, 4])
            .Node("gemm1", "Gemm", ["x", "W1"], ["z"])
            .Node("gemm2", "Gemm", ["z", "W2"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Reason);
        Assert.Contains("Node \"gemm2\" (Gemm) takes 2 features but layer 1 gives 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_input_size_other_than_the_weights_is_refused()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 4)
            .Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6])
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Reason);
        Assert.Contains("declares 4 features but the first layer takes 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bias_of_the_wrong_length_is_refused_naming_the_layer()
    {
        ModelFormatException e = Graph()
            .Initializer("b3", [3], [1, 2, 3])
            .Node("gemm", "Gemm", ["x", "W", "b3"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.ArchitectureMismatch, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tanh_approximation_of_the_Gelu_operator_is_refused_naming_it()
    {
        ModelFormatException e = Graph(opset: 20)
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("gelu", "Gelu", ["z"], ["y"], StringAttribute("approximate", "tanh"))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gelu\" (Gelu)", e.Message, StringComparison.Ordinal);
        Assert.Contains("approximate = \"tanh\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Gelu_operator_before_opset_20_is_refused_naming_it()
    {
        ModelFormatException e = Graph(opset: 17)
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("gelu", "Gelu", ["z"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"gelu\" (Gelu)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_GELU_whose_divisor_is_not_sqrt2_is_refused_naming_the_second_reader()
    {
        ModelFormatException e = Graph()
            .Initializer("two", [], [2f])
            .Initializer("one", [], [1f])
            .Initializer("half", [], [0.5f])
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("div", "Div", ["z", "two"], ["d"])
            .Node("erf", "Erf", ["d"], ["e"])
            .Node("add", "Add", ["e", "one"], ["p"])
            .Node("mul", "Mul", ["z", "p"], ["m"])
            .Node("mul_half", "Mul", ["m", "half"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("forms neither SiLU", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_of_another_domain_is_refused_naming_the_domain()
    {
        ModelFormatException e = Graph()
            .Node("gemm", "Gemm", ["x", "W", "b"], ["z"], IntAttribute("transB", 1))
            .Node("fused", "FusedRelu", "com.microsoft", ["z"], ["y"])
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedGraph, e.Reason);
        Assert.Contains("Node \"fused\" (FusedRelu)", e.Message, StringComparison.Ordinal);
        Assert.Contains("com.microsoft", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_of_an_unsupported_data_type_is_refused_naming_the_layer_and_the_type()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Initializer("W", [2, 3], [1, 2, 3, 4, 5, 6], dataType: 6) // INT32 (its raw bytes are 4 wide, as FLOAT's)
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.UnsupportedDtype, e.Reason);
        Assert.Contains("Node \"gemm\" (Gemm) reads initializer \"W\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("data_type is 6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_whose_data_does_not_fill_its_dims_is_refused()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Initializer("W", [2, 4], [1, 2, 3, 4, 5, 6])
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.InvalidShape, e.Reason);
        Assert.Contains("dims [2, 4] hold 8 elements but it stores 24 bytes of raw_data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dims_whose_product_overflows_are_refused_not_allocated()
    {
        ModelFormatException e = new OnnxGraphBuilder()
            .Input("x", 3)
            .Output("y", 2)
            .Initializer("W", [1L << 40, 1L << 40], [1, 2, 3, 4, 5, 6])
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .Refusal();
        Assert.Equal(ModelFormatError.InvalidShape, e.Reason);
        Assert.Contains("too many elements", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_weight_is_refused_unless_allowed()
    {
        byte[] model = new OnnxGraphBuilder()
            .Input("x", 2)
            .Output("y", 1)
            .Initializer("W", [1, 2], [1, float.NaN])
            .Node("gemm", "Gemm", ["x", "W"], ["y"], IntAttribute("transB", 1))
            .ToBytes();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.LoadOnnx(new MemoryStream(model)));
        Assert.Equal(ModelFormatError.NonFiniteWeight, e.Reason);
        Network allowed = Network.LoadOnnx(new MemoryStream(model), new ModelLoadOptions { AllowNonFiniteWeights = true });
        Assert.True(float.IsNaN(allowed.Parameters[1]));
    }

    [Fact]
    public void A_seekable_stream_longer_than_a_protobuf_message_is_refused_before_it_is_read()
    {
        var stream = new HugeStream();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => Network.LoadOnnx(stream));
        Assert.Equal(ModelFormatError.ModelTooLarge, e.Reason);
        Assert.Equal(0, stream.Reads);
    }

    [Fact]
    public void A_null_stream_or_an_empty_path_is_an_argument_exception()
    {
        Assert.Throws<ArgumentNullException>("stream", () => Network.LoadOnnx((Stream)null!));
        Assert.Throws<ArgumentException>("path", () => Network.LoadOnnx(""));
    }

    /// <summary>A seekable stream that says it holds 3 GiB and counts the reads made of it.</summary>
    private sealed class HugeStream : Stream
    {
        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => 3L << 30;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            return 0;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }
    }
}
