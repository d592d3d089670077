// NetworkCreateValidationTests: Network.Create and Network.CreateWorkspace reject bad arguments with
// the exception, parameter name and message DESIGN.md section 2 asks for: no or one layer size, a size
// below 1, parameter counts that cannot fit one buffer, undefined activations, Softmax on a hidden
// layer, maxBatch below 1 or too large, maxDegreeOfParallelism 0 or below −1.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class NetworkCreateValidationTests
{
    [Fact]
    public void Null_layer_sizes_throw_ArgumentNullException()
    {
        var e = Assert.Throws<ArgumentNullException>(() => Network.Create(null!, Activation.Tanh, Activation.Identity, 0));
        Assert.Equal("layerSizes", e.ParamName);
    }

    [Theory]
    [InlineData(new int[0], "0")]
    [InlineData(new[] { 5 }, "1")]
    public void Fewer_than_two_layer_sizes_throw(int[] sizes, string count)
    {
        ArgumentAssert.Throws<ArgumentException>("layerSizes", () => Network.Create(sizes, Activation.Tanh, Activation.Identity, 0), count);
    }

    [Theory]
    [InlineData(new[] { 0, 3 }, 0)]
    [InlineData(new[] { 3, 0 }, 1)]
    [InlineData(new[] { 3, 4, -2, 1 }, 2)]
    public void A_layer_size_below_one_throws_ArgumentOutOfRangeException(int[] sizes, int index)
    {
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            "layerSizes", () => Network.Create(sizes, Activation.Tanh, Activation.Identity, 0), $"Layer size {index} is {sizes[index]}");
    }

    [Fact]
    public void More_parameters_than_one_buffer_holds_throw()
    {
        ArgumentAssert.Throws<ArgumentException>("layerSizes", () => Network.Create([100_000, 100_000], Activation.Tanh, Activation.Identity, 0), "10000100000");
    }

    [Fact]
    public void Softmax_on_a_hidden_layer_throws()
    {
        ArgumentAssert.Throws<ArgumentException>("hidden", () => Network.Create([4, 3, 2], Activation.Softmax, Activation.Softmax, 0), "Softmax");
    }

    [Fact]
    public void Softmax_as_hidden_activation_of_a_network_without_hidden_layers_is_accepted()
    {
        // [4, 2] has no hidden layer, so `hidden` is never used.
        Network network = Network.Create([4, 2], Activation.Softmax, Activation.Softmax, 0);
        Assert.Equal(Activation.Softmax, network.OutputActivation);
    }

    [Fact]
    public void Undefined_activations_throw_ArgumentOutOfRangeException()
    {
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("hidden", () => Network.Create([4, 3, 2], (Activation)99, Activation.Identity, 0), "99");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("output", () => Network.Create([4, 3, 2], Activation.Tanh, (Activation)(-1), 0), "-1");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void CreateWorkspace_rejects_a_max_batch_below_one(int maxBatch)
    {
        Network network = Network.Create([4, 3, 2], Activation.Tanh, Activation.Identity, 0);
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(nameof(maxBatch), () => network.CreateWorkspace(maxBatch), maxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void CreateWorkspace_rejects_a_max_batch_whose_buffers_cannot_fit()
    {
        Network network = Network.Create([2, 1000, 1], Activation.Tanh, Activation.Identity, 0);
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("maxBatch", () => network.CreateWorkspace(int.MaxValue), "2147483647");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void CreateWorkspace_rejects_a_degree_of_parallelism_of_zero_or_below_minus_one(int maxDegreeOfParallelism)
    {
        Network network = Network.Create([4, 3, 2], Activation.Tanh, Activation.Identity, 0);
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            nameof(maxDegreeOfParallelism), () => network.CreateWorkspace(4, maxDegreeOfParallelism), maxDegreeOfParallelism.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
