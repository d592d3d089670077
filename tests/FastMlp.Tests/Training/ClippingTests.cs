// ClippingTests: gradient clipping (Trainer.Clipping.cs) on the gradients a step computes, before the guard and the
// update. By value: the clipped gradients are exactly clamp(g, −c, c) of the unclipped twin's, and the SGD update used
// them. By norm: they are g · c / (‖g‖ + 1e−6) within float rounding when ‖g‖ > c, and the same bits otherwise. A
// clipping step does not fuse. Bad thresholds throw, on the Trainer and through FitOptions (nothing trained); a fit's
// clipping options apply for that fit only, and train exactly as the Trainer's own settings would. Against the loss
// itself: the clipped gradients are the same clipping, in double, of central differences of NaiveMlp's loss.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class ClippingTests
{
    private const float LearningRate = 0.05f;

    [Fact]
    public void Clipping_by_value_clamps_every_gradient_and_the_update_uses_the_clamped_ones()
    {
        (Trainer clipped, Trainer plain, float[] inputs, float[] targets) = Twins();
        clipped.ClipGradientValue = 0.01f;
        float[] before = clipped.Network.Parameters.ToArray();
        clipped.Step(inputs, targets);
        plain.Step(inputs, targets);

        float[] want = [.. plain.Gradients.ToArray().Select(g => Math.Clamp(g, -0.01f, 0.01f))];
        Assert.Contains(plain.Gradients.ToArray(), g => Math.Abs(g) > 0.01f);
        MlpAssert.BitIdentical(want, clipped.Gradients.ToArray(), "gradients clipped by value");
        float[] updated = [.. before.Select((p, i) => MathF.FusedMultiplyAdd(-LearningRate, want[i], p))];
        MlpAssert.BitIdentical(updated, clipped.Network.Parameters.ToArray(), "parameters after the clipped step");
    }

    [Fact]
    public void A_clipping_step_does_not_fuse_its_update()
    {
        (Trainer clipping, Trainer plain, float[] inputs, float[] targets) = Twins();
        (clipping.KeepsGradients, plain.KeepsGradients) = (false, false);
        clipping.ClipGradientNorm = 1f;
        clipping.Step(inputs, targets);
        plain.Step(inputs, targets);
        Assert.Equal(0, clipping.FusedSteps);
        Assert.Equal(GemmLanes256.IsSupported ? 1 : 0, plain.FusedSteps);
    }

    [Theory]
    [InlineData(0.05f)]
    [InlineData(1e6f)]
    public void Clipping_by_norm_scales_the_gradients_to_the_norm_or_leaves_them(float maxNorm)
    {
        (Trainer clipped, Trainer plain, float[] inputs, float[] targets) = Twins();
        clipped.ClipGradientNorm = maxNorm;
        clipped.Step(inputs, targets);
        plain.Step(inputs, targets);

        float[] g = plain.Gradients.ToArray(), got = clipped.Gradients.ToArray();
        double norm = Math.Sqrt(g.Sum(x => (double)x * x));
        if (norm <= maxNorm)
        {
            MlpAssert.BitIdentical(g, got, "gradients under the norm");
            return;
        }

        double scale = maxNorm / (norm + 1e-6);
        for (int i = 0; i < g.Length; i++)
        {
            double want = g[i] * scale;
            Assert.True(Math.Abs(got[i] - want) <= (1e-5 * Math.Abs(want)) + 1e-12, $"gradient {i}: {got[i]}, want {want}");
        }

        Assert.True(Math.Sqrt(got.Sum(x => (double)x * x)) <= maxNorm * (1 + 1e-5), "the clipped norm");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_threshold_that_is_not_positive_and_finite_is_refused(float bad)
    {
        (Trainer trainer, _, _, _) = Twins();
        Assert.Equal("ClipGradientValue", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.ClipGradientValue = bad).ParamName);
        Assert.Equal("ClipGradientNorm", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.ClipGradientNorm = bad).ParamName);
        Assert.Null(trainer.ClipGradientValue);

        float[] before = trainer.Network.Parameters.ToArray();
        Dataset data = FitTestData.Blobs(20, seed: 1);
        using var fitter = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(LearningRate), 10, maxDegreeOfParallelism: 1);
        float[] fitterBefore = fitter.Network.Parameters.ToArray();
        ArgumentException refused = Assert.ThrowsAny<ArgumentException>(() => fitter.Fit(data, new FitOptions { Epochs = 1, BatchSize = 10, ClipGradientNorm = bad }));
        Assert.Contains("ClipGradientNorm", refused.Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(fitterBefore, fitter.Network.Parameters.ToArray(), "parameters after a refused fit");
        MlpAssert.BitIdentical(before, trainer.Network.Parameters.ToArray(), "parameters after refused settings");
    }

    [Fact]
    public void A_fits_clipping_applies_to_that_fit_alone_and_trains_as_the_trainers_own_setting()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        using var byOptions = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(LearningRate), 10, maxDegreeOfParallelism: 1);
        using var bySetting = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(LearningRate), 10, maxDegreeOfParallelism: 1) { ClipGradientValue = 0.002f, ClipGradientNorm = 0.01f };
        var options = new FitOptions { Epochs = 2, BatchSize = 10, Shuffle = false };
        byOptions.Fit(data, new FitOptions { Epochs = 2, BatchSize = 10, Shuffle = false, ClipGradientValue = 0.002f, ClipGradientNorm = 0.01f });
        bySetting.Fit(data, options);
        MlpAssert.BitIdentical(bySetting.Network.Parameters.ToArray(), byOptions.Network.Parameters.ToArray(), "parameters");
        Assert.Null(byOptions.ClipGradientValue);
        Assert.Null(byOptions.ClipGradientNorm);

        using var unclipped = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(LearningRate), 10, maxDegreeOfParallelism: 1);
        unclipped.Fit(data, options);
        Assert.False(unclipped.Network.Parameters.SequenceEqual(byOptions.Network.Parameters), "clipping changed nothing");
    }

    /// <summary>Two trainers on identical 20-30-5 networks (larger than the tiny path), gradients kept, and one batch of 4.</summary>
    private static (Trainer Clipped, Trainer Plain, float[] Inputs, float[] Targets) Twins()
    {
        static Trainer Make() => new(Network.Create([20, 30, 5], Activation.Tanh, Activation.Identity, seed: 7), Loss.MeanSquaredError, new Sgd(LearningRate), maxBatch: 4, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        var random = new Random(3);
        float[] inputs = [.. Enumerable.Range(0, 80).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        float[] targets = [.. Enumerable.Range(0, 20).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        return (Make(), Make(), inputs, targets);
    }

    [Theory]
    [InlineData(Activation.Tanh, Activation.Softmax, Loss.CrossEntropy)]
    [InlineData(Activation.Gelu, Activation.Identity, Loss.MeanSquaredError)]
    [InlineData(Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy)]
    public void Clipped_gradients_are_the_clipping_of_central_differences_of_the_loss(Activation hidden, Activation output, Loss loss)
    {
        var problem = SmoothMlpProblem.Create([3, 5, 4, 2], hidden, output, loss, 3, loss == Loss.BinaryCrossEntropy ? MlpTargets.Unit : null);
        NaiveMlp mlp = MlpReference.For(problem.Case);
        NaiveLoss naiveLoss = MlpReference.ToNaive(loss);
        double[] numeric = FiniteDifference.LossGradient(mlp, naiveLoss, problem.Parameters, problem.Inputs, problem.Targets, 3);
        NaiveForwardPass forward = mlp.Forward(problem.Parameters, problem.Inputs, 3);
        var bound = MlpErrorBound.Compute(mlp, problem.Parameters, forward, mlp.Backward(problem.Parameters, forward, naiveLoss, problem.Targets), naiveLoss, problem.Targets, LearningRate);
        Assert.False(bound.NearReluKink);

        // Thresholds that bite: by value at half the largest entry, by norm at half the norm after that.
        double largest = numeric.Max(Math.Abs);
        float value = (float)(largest / 2);
        double[] clipped = [.. numeric.Select(g => Math.Clamp(g, -value, value))];
        double norm = Math.Sqrt(clipped.Sum(g => g * g));
        float maxNorm = (float)(norm / 2);
        double coefficient = maxNorm / (norm + 1e-6);

        Network network = MlpCheck.CreateNetwork(problem.Case, problem.Data);
        using var trainer = new Trainer(network, loss, new Sgd(LearningRate), 3, maxDegreeOfParallelism: 1) { KeepsGradients = true, ClipGradientValue = value, ClipGradientNorm = maxNorm };
        trainer.Step(problem.Data.Inputs, problem.Data.Targets);
        for (int p = 0; p < numeric.Length; p++)
        {
            // The float gradient's bound, through the clamp (1-Lipschitz) and the scaling (≤ 1), plus the norm's relative
            // rounding (a few u over the sum) and the difference quotient's 1e-8.
            double tolerance = bound.Gradients[p] + (1e-6 * Math.Abs(clipped[p] * coefficient)) + 1e-8;
            MlpAssert.Within($"{hidden}/{output}/{loss}: clipped gradient vs clipped central differences", p, trainer.Gradients[p], clipped[p] * coefficient, tolerance, problem.Case);
        }
    }
}
