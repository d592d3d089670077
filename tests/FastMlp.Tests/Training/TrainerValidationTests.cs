// TrainerValidationTests: the Trainer constructor and Trainer.Step reject bad arguments with the right
// exception, parameter name and sizes in the message (DESIGN.md section 2), and a throwing Step leaves
// the parameters and the gradients of the previous Step bit-identical. Covered: null network or
// optimizer, an undefined loss, CrossEntropy without a Softmax output, maxBatch below 1,
// maxDegreeOfParallelism 0 or below −1; inputs not a whole batch, a batch over the maximum, an empty
// batch, targets of the wrong length, and a Step after Dispose.
using System.Globalization;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class TrainerValidationTests
{
    private const int MaxBatch = 5;

    // 3 inputs, 2 outputs, so the sizes in each message are distinct.
    private readonly Network _network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed: 11);

    [Fact]
    public void Null_network_or_optimizer_throw_ArgumentNullException()
    {
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => new Trainer(null!, Loss.MeanSquaredError, new Sgd(0.1f), MaxBatch).Dispose()).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new Trainer(_network, Loss.MeanSquaredError, null!, MaxBatch).Dispose()).ParamName);
    }

    [Fact]
    public void An_undefined_loss_throws_ArgumentOutOfRangeException()
    {
        AssertConstructorRejected<ArgumentOutOfRangeException>(_network, "loss", () => new Trainer(_network, (Loss)42, new Sgd(0.1f), MaxBatch), ["42"]);
    }

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void CrossEntropy_without_a_softmax_output_throws(Activation output)
    {
        Network network = Network.Create([3, 4, 2], Activation.Tanh, output, seed: 11);
        AssertConstructorRejected<ArgumentException>(network, "loss", () => new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), MaxBatch), ["Softmax", output.ToString()]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_max_batch_below_one_throws(int maxBatch)
    {
        AssertConstructorRejected<ArgumentOutOfRangeException>(
            _network, nameof(maxBatch), () => new Trainer(_network, Loss.MeanSquaredError, new Sgd(0.1f), maxBatch), [maxBatch.ToString(CultureInfo.InvariantCulture)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void A_degree_of_parallelism_of_zero_or_below_minus_one_throws(int maxDegreeOfParallelism)
    {
        AssertConstructorRejected<ArgumentOutOfRangeException>(
            _network,
            nameof(maxDegreeOfParallelism),
            () => new Trainer(_network, Loss.MeanSquaredError, new Sgd(0.1f), MaxBatch, maxDegreeOfParallelism),
            [maxDegreeOfParallelism.ToString(CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public void Inputs_that_are_not_a_whole_batch_throw()
    {
        AssertStepRejected("inputs", inputs: 7, targets: 4, ["7", "3"]);
    }

    [Fact]
    public void A_batch_over_the_maximum_throws()
    {
        AssertStepRejected("inputs", inputs: 18, targets: 12, ["6", "5"]);
    }

    [Fact]
    public void An_empty_batch_throws()
    {
        AssertStepRejected("inputs", inputs: 0, targets: 0, ["empty"]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(0)]
    public void Targets_of_the_wrong_length_throw(int targets)
    {
        // 2 samples need 4 targets.
        AssertStepRejected(nameof(targets), inputs: 6, targets, [targets.ToString(CultureInfo.InvariantCulture), "2 samples", "4"]);
    }

    [Fact]
    public void Step_after_Dispose_throws_ObjectDisposedException()
    {
        var trainer = new Trainer(_network, Loss.CrossEntropy, new Sgd(0.1f), MaxBatch, 1) { KeepsGradients = true };
        trainer.Step(Inputs(6), [1, 0, 0, 1]);
        float[] parameters = _network.Parameters.ToArray(), gradients = trainer.Gradients.ToArray();
        trainer.Dispose();
        trainer.Dispose();   // a second Dispose is harmless
        Assert.Throws<ObjectDisposedException>(() => trainer.Step(Inputs(6), [1, 0, 0, 1]));
        MlpAssert.BitIdentical(parameters, _network.Parameters, "parameters after the throw");
        MlpAssert.BitIdentical(gradients, trainer.Gradients, "gradients after the throw");
    }

    private static void AssertConstructorRejected<TException>(Network network, string paramName, Func<Trainer> create, string[] mentions)
        where TException : ArgumentException
    {
        float[] parameters = network.Parameters.ToArray();
        ArgumentAssert.Throws<TException>(paramName, () => create().Dispose(), mentions);
        MlpAssert.BitIdentical(parameters, network.Parameters, "parameters after the throw");
    }

    private void AssertStepRejected(string paramName, int inputs, int targets, string[] mentions)
    {
        using var trainer = new Trainer(_network, Loss.CrossEntropy, new Sgd(0.1f), MaxBatch, 1) { KeepsGradients = true };
        trainer.Step(Inputs(6), [1, 0, 0, 1]);   // gradients of a real step, to see they survive
        float[] parameters = _network.Parameters.ToArray(), gradients = trainer.Gradients.ToArray();
        float[] x = Inputs(inputs), t = new float[targets];

        ArgumentAssert.Throws<ArgumentException>(paramName, () => trainer.Step(x, t), mentions);
        MlpAssert.BitIdentical(parameters, _network.Parameters, "parameters after the throw");
        MlpAssert.BitIdentical(gradients, trainer.Gradients, "gradients after the throw");

        // The trainer is still usable: a throw must not leave its workspace marked busy.
        trainer.Step(Inputs(3), [0, 1]);
    }

    private static float[] Inputs(int length)
    {
        float[] x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (i % 5) * 0.25f;
        }

        return x;
    }
}
