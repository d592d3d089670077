// SplitStepValidationTests: issue 17's split step refuses what Step refuses, with nothing written. ComputeGradients
// takes Step's argument checks (an empty batch, not a whole batch, over MaxBatch, targets of the wrong length: the
// exception names the argument and the sizes; the parameters and the last gradients stay as they were), leaves the
// parameters and the optimizer untouched on success, and throws TrainingDivergedException on a NaN input.
// ApplyGradients refuses gradients of the wrong length (naming gradients and both sizes), a NaN or infinite gradient
// (GradientsFinite false; also when clipping, which would map ±∞ to ±c) and an update that would overflow (UpdateFinite false), with the parameters and the optimizer's
// state bit for bit as before, for every optimizer setting. Both throw ObjectDisposedException after Dispose and
// InvalidOperationException during a Fit. Gradients are readable after ComputeGradients with KeepsGradients false, and
// refused again after a Step that did not keep them.
using System.Globalization;

using FastMlp.Tests.Infrastructure;
using FastMlp.Tests.Training.Optimizers;

namespace FastMlp.Tests.Training;

public sealed class SplitStepValidationTests
{
    private const int MaxBatch = 5;

    public static TheoryData<string> All() => OptimizerSetups.AllRows();

    [Theory]
    [InlineData("inputs", 7, 4, new[] { "7", "3" })]                 // not a whole batch of 3 inputs
    [InlineData("inputs", 18, 12, new[] { "6", "5" })]               // 6 samples, MaxBatch 5
    [InlineData("inputs", 0, 0, new[] { "empty" })]
    [InlineData("targets", 6, 3, new[] { "3", "2 samples", "4" })]
    [InlineData("targets", 6, 5, new[] { "5", "2 samples", "4" })]
    [InlineData("targets", 6, 0, new[] { "0", "2 samples", "4" })]
    public void ComputeGradients_rejects_what_Step_rejects_and_writes_nothing(string paramName, int inputs, int targets, string[] mentions)
    {
        using Trainer trainer = Create(new Adam(0.01f));
        trainer.ComputeGradients(Inputs(6), [1, 0, 0, 1]);   // gradients of a real batch, to see they survive
        float[] parameters = trainer.Network.Parameters.ToArray(), gradients = trainer.Gradients.ToArray();
        float[] x = Inputs(inputs), t = new float[targets];

        ArgumentAssert.Throws<ArgumentException>(paramName, () => trainer.ComputeGradients(x, t), mentions);
        MlpAssert.BitIdentical(parameters, trainer.Network.Parameters, "parameters after the throw");
        MlpAssert.BitIdentical(gradients, trainer.Gradients, "gradients after the throw");
        trainer.ComputeGradients(Inputs(3), [0, 1]);   // a throw must not leave the workspace marked busy
    }

    [Fact]
    public void ComputeGradients_changes_neither_the_parameters_nor_the_optimizer()
    {
        var adam = new Adam(0.01f);
        using Trainer trainer = Create(adam);
        float[] parameters = trainer.Network.Parameters.ToArray();
        trainer.ComputeGradients(Inputs(6), [1, 0, 0, 1]);
        trainer.ComputeGradients(Inputs(3), [0, 1]);
        MlpAssert.BitIdentical(parameters, trainer.Network.Parameters, "parameters after ComputeGradients");
        Assert.Equal(0, adam.StepCount);
        Assert.Empty(adam.SaveState().Buffers);
        Assert.Contains(trainer.Gradients.ToArray(), g => g != 0);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ComputeGradients_on_a_non_finite_input_throws_and_leaves_the_parameters_untouched(float bad)
    {
        var adam = new Adam(0.01f);
        using Trainer trainer = Create(adam);
        float[] parameters = trainer.Network.Parameters.ToArray();
        float[] x = Inputs(6);
        x[4] = bad;
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.ComputeGradients(x, [1, 0, 0, 1]));
        Assert.True(!float.IsFinite(e.Loss) || !e.GradientsFinite, $"loss {e.Loss}, gradients finite {e.GradientsFinite}");
        MlpAssert.BitIdentical(parameters, trainer.Network.Parameters, "parameters after the throw");
        Assert.Equal(0, adam.StepCount);
        Assert.True(float.IsFinite(trainer.ComputeGradients(Inputs(6), [1, 0, 0, 1])), "the trainer stays usable");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(27)]
    public void ApplyGradients_of_the_wrong_length_throws_naming_both_sizes(int length)
    {
        var adam = new Adam(0.01f);
        using Trainer trainer = Create(adam);
        Ready(trainer);
        Before before = Before.Of(trainer);
        int count = trainer.Network.Parameters.Length;   // 3·4 + 4 + 4·2 + 2 = 26
        ArgumentAssert.Throws<ArgumentException>(
            "gradients", () => trainer.ApplyGradients(new float[length]), length.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));
        before.AssertUnchanged(trainer, "after the wrong length");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ApplyGradients_with_a_NaN_or_infinite_gradient_throws_and_changes_nothing(string setup)
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            using Trainer trainer = Create(OptimizerSetups.Create(setup));
            Ready(trainer);
            Before before = Before.Of(trainer);
            float[] gradients = trainer.Gradients.ToArray();
            gradients[7] = bad;
            var e = Assert.Throws<TrainingDivergedException>(() => trainer.ApplyGradients(gradients));
            Assert.False(e.GradientsFinite, $"{setup}, {bad}");
            Assert.True(float.IsNaN(e.Loss), $"{setup}: ApplyGradients has no loss, yet the exception says {e.Loss}");
            Assert.DoesNotContain("loss", e.Message, StringComparison.Ordinal);
            before.AssertUnchanged(trainer, $"{setup}, a gradient of {bad}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ApplyGradients_refuses_an_infinite_gradient_when_clipping_too(bool byNorm)
    {
        // Clipping by value maps ±∞ to ±c (Trainer.Clipping.cs), by norm to NaN; the given gradients are judged before it,
        // as ComputeGradients judges its own before any clipping: an infinity is an overflow upstream (a worker, the sum).
        using Trainer trainer = Create(new Sgd(0.1f, momentum: 0.9f));
        if (byNorm)
        {
            trainer.ClipGradientNorm = 1f;
        }
        else
        {
            trainer.ClipGradientValue = 1f;
        }

        Ready(trainer);
        Before before = Before.Of(trainer);
        float[] gradients = trainer.Gradients.ToArray();
        gradients[3] = float.PositiveInfinity;
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.ApplyGradients(gradients));
        Assert.False(e.GradientsFinite);
        before.AssertUnchanged(trainer, $"an infinite gradient, clipping by {(byNorm ? "norm" : "value")}");
    }

    [Fact]
    public void A_clipped_step_whose_raw_gradient_overflows_is_taken_by_Step_and_refused_by_ComputeGradients()
    {
        // DivergenceTests' case: y = 0·x + 1, x = 3e38, t = −1: the loss is 4 and dL/dw = 2·2·3e38 = ∞. Clipping by value
        // makes it 1, and Step, judging the clipped gradients, takes the step; ComputeGradients judges the raw ones.
        static Network Line()
        {
            Network network = Network.Create([1, 1], Activation.Identity, Activation.Identity, seed: 0);
            network.Parameters[0] = 0f;
            network.Parameters[1] = 1f;
            return network;
        }

        using var step = new Trainer(Line(), Loss.SumSquaredError, new Sgd(0.1f), maxBatch: 1, maxDegreeOfParallelism: 1) { ClipGradientValue = 1f };
        using var split = new Trainer(Line(), Loss.SumSquaredError, new Sgd(0.1f), maxBatch: 1, maxDegreeOfParallelism: 1) { ClipGradientValue = 1f };
        Assert.Equal(4f, step.Step([3e38f], [-1f]));
        Assert.Equal([-0.1f, 0.9f], step.Network.Parameters.ToArray());   // both gradients (∞ and 4) clipped to 1
        var e = Assert.Throws<TrainingDivergedException>(() => split.ComputeGradients([3e38f], [-1f]));
        Assert.False(e.GradientsFinite);
        Assert.Equal([0f, 1f], split.Network.Parameters.ToArray());
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ApplyGradients_whose_update_would_overflow_throws_and_changes_nothing(string setup)
    {
        // Weight 0 at −3e38 (the guard sees it: written through Parameters) and a learning rate of 3e38 on gradients of 1:
        // every optimizer's update takes it (or Adam's v, or AdamW's decay) past float.MaxValue.
        IAdjustableOptimizer optimizer = OptimizerSetups.Create(setup);
        using Trainer trainer = Create(optimizer);
        Ready(trainer);
        trainer.Network.Parameters[0] = -3e38f;
        Before before = Before.Of(trainer);
        optimizer.LearningRate = 3e38f;
        float[] ones = [.. Enumerable.Repeat(1f, trainer.Network.Parameters.Length)];
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.ApplyGradients(ones));
        Assert.True(e.GradientsFinite, setup);
        Assert.False(e.UpdateFinite, setup);
        Assert.True(float.IsNaN(e.Loss), $"{setup}: ApplyGradients has no loss, yet the exception says {e.Loss}");
        Assert.DoesNotContain("loss", e.Message, StringComparison.Ordinal);
        before.AssertUnchanged(trainer, $"{setup}, the refused update");
    }

    [Fact]
    public void ComputeGradients_and_ApplyGradients_after_Dispose_throw_ObjectDisposedException()
    {
        Trainer trainer = Create(new Sgd(0.1f));
        Ready(trainer);
        float[] gradients = trainer.Gradients.ToArray(), parameters = trainer.Network.Parameters.ToArray();
        trainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.ComputeGradients(Inputs(6), [1, 0, 0, 1]));
        Assert.Throws<ObjectDisposedException>(() => trainer.ApplyGradients(gradients));
        MlpAssert.BitIdentical(parameters, trainer.Network.Parameters, "parameters after the throws");
    }

    [Fact]
    public void ComputeGradients_and_ApplyGradients_throw_during_Fit()
    {
        Dataset data = FitTestData.Blobs(32, seed: 4);
        Network network = Network.Create([data.FeatureCount, 8, data.TargetCount], Activation.Relu, Activation.Softmax, seed: 9);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), 16, 1);
        float[] gradients = new float[network.Parameters.Length];
        var thrown = new List<string>();
        int reports = 0;
        var progress = new SyncProgress<EpochReport>(_ =>
        {
            reports++;
            float[] parameters = network.Parameters.ToArray();
            if (Record.Exception(() => trainer.ComputeGradients(data.Features[..(2 * data.FeatureCount)], data.Targets[..(2 * data.TargetCount)])) is InvalidOperationException compute)
            {
                Assert.Contains("Fit", compute.Message, StringComparison.Ordinal);
                thrown.Add("ComputeGradients");
            }

            if (Record.Exception(() => trainer.ApplyGradients(gradients)) is InvalidOperationException apply)
            {
                Assert.Contains("Fit", apply.Message, StringComparison.Ordinal);
                thrown.Add("ApplyGradients");
            }

            MlpAssert.BitIdentical(parameters, network.Parameters, "parameters after the refused calls");
        });
        trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, Progress = progress });
        Assert.Equal(2, reports);
        Assert.Equal(["ComputeGradients", "ApplyGradients", "ComputeGradients", "ApplyGradients"], thrown);
        trainer.ComputeGradients(data.Features[..(2 * data.FeatureCount)], data.Targets[..(2 * data.TargetCount)]);   // after the fit they work
        trainer.ApplyGradients(trainer.Gradients);
    }

    [Fact]
    public void Gradients_are_readable_after_ComputeGradients_and_refused_after_a_Step_that_does_not_keep_them()
    {
        // A network the general path trains with a fusing Step (when the machine fuses), and a twin keeping its gradients.
        using var trainer = new Trainer(Network.Create([20, 30, 5], Activation.Tanh, Activation.Identity, seed: 3), Loss.MeanSquaredError, new Sgd(0.01f), maxBatch: 2);
        using var keeping = new Trainer(Network.Create([20, 30, 5], Activation.Tanh, Activation.Identity, seed: 3), Loss.MeanSquaredError, new Sgd(0.01f), maxBatch: 2) { KeepsGradients = true };
        float[] inputs = [.. Enumerable.Range(0, 40).Select(i => (i % 7) * 0.1f)], targets = new float[10];
        Assert.False(trainer.KeepsGradients);
        Assert.Throws<InvalidOperationException>(() => trainer.Gradients.ToArray());

        trainer.ComputeGradients(inputs, targets);
        keeping.Step(inputs, targets);
        MlpAssert.BitIdentical(keeping.Gradients, trainer.Gradients, "the gradients of ComputeGradients against a Step that kept its own");
        Assert.Contains(trainer.Gradients.ToArray(), g => g != 0);

        trainer.ApplyGradients(trainer.Gradients);
        trainer.Step(inputs, targets);
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => trainer.Gradients.ToArray());
        Assert.Contains("KeepsGradients", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>3 inputs, 2 outputs (Softmax, CrossEntropy), so the sizes in each message are distinct; 26 parameters.</summary>
    private static Trainer Create(IOptimizer optimizer) =>
        new(Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed: 11), Loss.CrossEntropy, optimizer, MaxBatch, 1);

    /// <summary>Two split steps, so the optimizer's state exists and is not zero, and gradients to start from.</summary>
    private static void Ready(Trainer trainer)
    {
        for (int s = 0; s < 2; s++)
        {
            trainer.ComputeGradients(Inputs(6), s == 0 ? [1, 0, 0, 1] : [0, 1, 1, 0]);
            trainer.ApplyGradients(trainer.Gradients);
        }

        trainer.ComputeGradients(Inputs(6), [1, 0, 1, 0]);
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

    /// <summary>The parameters and the optimizer's state (SaveState) before a call that must change neither.</summary>
    private sealed record Before(float[] Parameters, OptimizerSnapshot State)
    {
        public static Before Of(Trainer trainer) => new(trainer.Network.Parameters.ToArray(), ((IStatefulOptimizer)trainer.Optimizer).SaveState());

        public void AssertUnchanged(Trainer trainer, string what)
        {
            MlpAssert.BitIdentical(Parameters, trainer.Network.Parameters, $"{what}: parameters");
            OptimizerSnapshot now = ((IStatefulOptimizer)trainer.Optimizer).SaveState();
            Assert.Equal(State.Steps, now.Steps);
            Assert.Equal(State.Buffers.Count, now.Buffers.Count);
            for (int i = 0; i < now.Buffers.Count; i++)
            {
                MlpAssert.BitIdentical(State.Buffers[i], now.Buffers[i], $"{what}: state buffer {i}");
            }
        }
    }

}
