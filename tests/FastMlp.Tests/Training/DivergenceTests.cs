// DivergenceTests: issue 6's "training that cannot lose a model". A step whose loss or gradient is NaN or
// infinite throws TrainingDivergedException before the optimizer runs, so the parameters are bit for bit
// those from before the step; Fit refuses non-finite data up front, naming the sample, and on divergence
// hands back the best epoch's parameters when early stopping keeps them; the model stays usable.
namespace FastMlp.Tests.Training;

public sealed class DivergenceTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_input_throws_and_leaves_the_parameters_untouched(float bad)
    {
        Network network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Identity, seed: 1);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(0.1f), maxBatch: 2, maxDegreeOfParallelism: 1);
        float[] before = network.Parameters.ToArray();
        float[] inputs = [0.5f, bad, -0.25f, 1f, 0f, 0.5f];
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step(inputs, new float[4]));
        // NaN poisons the loss; ±∞ saturates tanh to a finite loss but makes dW = xᵀ·dZ infinite.
        Assert.True(!float.IsFinite(e.Loss) || !e.GradientsFinite, $"loss {e.Loss}, gradients finite {e.GradientsFinite}");
        Assert.True(before.AsSpan().SequenceEqual(network.Parameters), "a diverging step must not touch the parameters");
        Assert.True(float.IsFinite(trainer.Step([0.5f, 0.1f, -0.25f, 1f, 0f, 0.5f], new float[4])), "the trainer stays usable");
    }

    [Fact]
    public void A_gradient_that_overflows_while_the_loss_is_finite_throws_before_the_update()
    {
        // Identity layers with huge weights: the loss overflows first; a ReLU network whose weights are 1e30
        // keeps a finite loss only until the squares overflow, so build the case directly: finite outputs,
        // gradient = 2(y − t)·x with x = 3e38 overflows to infinity in dW.
        Network network = Network.Create([1, 1], Activation.Identity, Activation.Identity, seed: 0);
        network.Parameters[0] = 0f;   // w: y = 0·x + b = b
        network.Parameters[1] = 1f;   // b
        using var trainer = new Trainer(network, Loss.SumSquaredError, new Sgd(0.1f), maxBatch: 1, maxDegreeOfParallelism: 1);
        float[] before = network.Parameters.ToArray();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step([3e38f], [-1f]));
        Assert.True(float.IsFinite(e.Loss), $"the loss {e.Loss} should be finite here: (1 − (−1))² = 4");
        Assert.False(e.GradientsFinite);
        Assert.True(before.AsSpan().SequenceEqual(network.Parameters));
    }

    [Fact]
    public void Fit_names_the_first_sample_with_a_non_finite_feature_or_target()
    {
        Network network = Network.Create([2, 3, 1], Activation.Tanh, Activation.Identity, seed: 2);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(0.1f), maxBatch: 4, maxDegreeOfParallelism: 1);
        float[] before = network.Parameters.ToArray();
        var features = new Dataset([0, 1, 2, 3, 4, float.NaN, 6, 7], 2, [0, 1, 2, 3], 1);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(features, new FitOptions { BatchSize = 2, Epochs = 1 }));
        Assert.Contains("Sample 2", e.Message, StringComparison.Ordinal);
        var targets = new Dataset([0, 1, 2, 3, 4, 5, 6, 7], 2, [0, 1, float.PositiveInfinity, 3], 1);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(targets, new FitOptions { BatchSize = 2, Epochs = 1 }));
        Assert.Contains("Sample 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("target", e.Message, StringComparison.Ordinal);
        Assert.True(before.AsSpan().SequenceEqual(network.Parameters));
    }

    [Fact]
    public void Fit_that_diverges_hands_back_the_best_epoch_s_parameters()
    {
        // A learning rate that first fits, then blows up: epoch 1 is the best, a later step diverges.
        var random = new Random(4);
        float[] x = new float[64], y = new float[32];
        for (int i = 0; i < 32; i++)
        {
            x[2 * i] = (float)random.NextDouble();
            x[(2 * i) + 1] = (float)random.NextDouble();
            y[i] = x[2 * i] - x[(2 * i) + 1];
        }

        var data = new Dataset(x, 2, y, 1);
        Network network = Network.Create([2, 8, 1], Activation.Relu, Activation.Identity, seed: 3);
        var sgd = new Sgd(0.05f);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, sgd, maxBatch: 8, maxDegreeOfParallelism: 1);
        float[]? afterFirstEpoch = null;
        var options = new FitOptions
        {
            Epochs = 50,
            BatchSize = 8,
            EarlyStoppingPatience = 100,
            LearningRateSchedule = new ExplodingAfterFirstEpoch(),
            Progress = new SynchronousProgress(r =>
            {
                if (r.Epoch == 1)
                {
                    afterFirstEpoch = network.Parameters.ToArray();
                }
            }),
        };
        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data, options));
        Assert.NotNull(afterFirstEpoch);
        Assert.True(afterFirstEpoch.AsSpan().SequenceEqual(network.Parameters), "the best (first) epoch's parameters come back");
        Assert.True(network.Parameters.ToArray().All(float.IsFinite));
    }

    /// <summary>lr 0.05 for the first epoch, then 1e30: the second epoch's first step overflows.</summary>
    private sealed class ExplodingAfterFirstEpoch : ILearningRateSchedule
    {
        public float RateFor(int epoch, float initialRate, float monitoredLoss) => epoch == 0 ? initialRate : 1e30f;
    }

    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
