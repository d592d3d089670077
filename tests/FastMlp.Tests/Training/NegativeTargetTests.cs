// NegativeTargetTests: CrossEntropy is defined for non-negative targets only (issue 9 item 4); a negative one
// is refused with an ArgumentException that names the argument, the sample and the value, and nothing is
// written: Trainer.Step leaves the parameters and Gradients bit for bit as they were (and stays usable), and
// Fit and Evaluate refuse the dataset up front, in the scan that already refuses non-finite values. Squared
// errors keep accepting negative targets.
namespace FastMlp.Tests.Training;

public sealed class NegativeTargetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Step_refuses_a_negative_target_and_writes_nothing(int sample)
    {
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.5f), maxBatch: 3, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float[] inputs = [.. Enumerable.Range(0, 3 * FitTestData.Features).Select(i => (i % 5) * 0.25f)];
        float[] targets = [0, 1, 0, 0.25f, 0.25f, 0.5f, 1, 0, 0];
        trainer.Step(inputs, targets);
        float[] parameters = network.Parameters.ToArray(), gradients = trainer.Gradients.ToArray();

        float[] bad = (float[])targets.Clone();
        bad[(sample * FitTestData.Classes) + 1] = -0.25f;
        var e = Assert.Throws<ArgumentException>(() => trainer.Step(inputs, bad));

        Assert.Equal("targets", e.ParamName);
        Assert.Contains($"Sample {sample} has a target that is -0.25 (value 1)", e.Message, StringComparison.Ordinal);
        Assert.True(parameters.AsSpan().SequenceEqual(network.Parameters), "a refused step must not touch the parameters");
        Assert.True(gradients.AsSpan().SequenceEqual(trainer.Gradients), "a refused step must not touch the gradients");
        Assert.True(float.IsFinite(trainer.Step(inputs, targets)), "the trainer stays usable");
    }

    [Fact]
    public void Fit_and_Evaluate_name_the_first_sample_with_a_negative_target()
    {
        Dataset good = FitTestData.Blobs(12, seed: 2);
        float[] targets = good.Targets.ToArray();
        targets[(7 * FitTestData.Classes) + 2] = -1;
        targets[(9 * FitTestData.Classes) + 0] = -3;
        var bad = new Dataset(good.Features.ToArray(), FitTestData.Features, targets, FitTestData.Classes);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 4, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float[] before = network.Parameters.ToArray();

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(bad, new FitOptions { Epochs = 1, BatchSize = 4 }));
        Assert.Equal("training", e.ParamName);
        Assert.Contains("Sample 7 has a target that is -1 (value 2)", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => trainer.Fit(good, new FitOptions { Epochs = 1, BatchSize = 4, Validation = bad }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("Sample 7 has a target that is -1 (value 2)", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => trainer.Evaluate(bad));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("Sample 7 has a target that is -1 (value 2)", e.Message, StringComparison.Ordinal);

        Assert.True(before.AsSpan().SequenceEqual(network.Parameters), "a refused fit must not touch the parameters");
    }

    [Theory]
    [InlineData(Loss.MeanSquaredError)]
    [InlineData(Loss.SumSquaredError)]
    public void Squared_errors_accept_negative_targets(Loss loss)
    {
        Network network = Network.Create([2, 3, 2], Activation.Tanh, Activation.Identity, seed: 1);
        using var trainer = new Trainer(network, loss, new Sgd(0.1f), maxBatch: 2, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        var data = new Dataset([0.5f, -1, 0.25f, 1], 2, [-1, -0.5f, 0.25f, -2], 2);

        Assert.True(float.IsFinite(trainer.Step(data.Features, data.Targets)));
        Assert.Single(trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 2 }).History);
        Assert.True(float.IsFinite(trainer.Evaluate(data).Loss));
    }
}
