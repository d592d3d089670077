// UpdateGuardTests: issue 9 item 6, the divergence guard covers the update as well as the gradients. A
// Trainer.Step whose update would make any parameter, or any value of the optimizer's state, NaN or
// infinite throws TrainingDivergedException and leaves the parameters and the state bit for bit as they
// were, for every optimizer path: the twin trainer that never saw the step then steps bit-identically.
// Writes to Network.Parameters between steps are seen by the guard; a step near the largest float that
// stays finite is taken as usual; a custom optimizer's parameters are restored from a backup.
using FastMlp.Tests.Infrastructure;
using FastMlp.Tests.Training.Optimizers;

namespace FastMlp.Tests.Training;

// Alone (SerialTestGroup), as TrainerAllocationTests: the GEMM's packing contexts come from one pool per process, and
// a parallel test holding every pooled context at the moment of a counted call makes that call build one (104 bytes;
// seen once in CI, PredictAllocationTests [784-256-128-10] batch 62 under DOTNET_EnableAVX512=0).
[Collection(SerialTestGroup.Name)]
public sealed class UpdateGuardTests
{
    public static TheoryData<string> All() => OptimizerSetups.AllRows();

    public static TheoryData<string> Adaptive() => new("Adam", "AdamW", "RmsProp", "RmsProp momentum");

    // Adam and RmsProp momentum (setups with coupled weight decay) add λ·w1 = 3e36 to w1's gradient below,
    // whose square overflows their v: refused, as the state test covers.
    public static TheoryData<string> FiniteNearTheTop() => new("Sgd", "Sgd weight decay", "Sgd momentum", "Sgd Nesterov", "AdamW", "RmsProp");

    [Theory]
    [MemberData(nameof(All))]
    public void A_step_that_would_overflow_a_parameter_throws_and_changes_nothing(string setup)
    {
        // y = w·x + b, squared error: at x = 1 and t = y − 2 the loss is 4 and both gradients about 4, all
        // finite. A learning rate of 3e38 (a schedule gone wrong) then takes every optimizer past float.MaxValue.
        Twins twins = Twins.Create(setup, [1, 1]);
        var step = (Inputs: new[] { 1f }, Targets: new[] { twins.Output(1f) - 2f });
        float rate = twins.Guarded.Optimizer.LearningRate;
        twins.Guarded.Optimizer.LearningRate = 3e38f;
        twins.AssertRefused(step.Inputs, step.Targets);
        twins.Guarded.Optimizer.LearningRate = rate;
        twins.AssertSameAfterGoodSteps();
    }

    [Theory]
    [MemberData(nameof(Adaptive))]
    public void A_step_that_would_overflow_the_optimizer_state_throws_and_changes_nothing(string setup)
    {
        // With w = 0 and x = 1e37 the loss is 4 and dL/dw = 4e37, finite, but v ← β·v + (1 − β)·g² overflows.
        // Unguarded, the step keeps every parameter finite (g / (√∞ + ε) = 0) and leaves v = ∞, which freezes w forever.
        Twins twins = Twins.Create(setup, [1, 1]);
        twins.Both(network => network.Parameters[0] = 0f);
        twins.AssertRefused([1e37f], [twins.Output(1e37f) - 2f]);
        twins.AssertSameAfterGoodSteps();
    }

    [Theory]
    [InlineData(Loss.SumSquaredError)]
    [InlineData(Loss.MeanSquaredError)]
    public void Sgd_on_a_huge_input_throws_instead_of_writing_an_infinite_weight(Loss loss)
    {
        // The case: y = 0·x + 1, x = 1e37, t = −1: loss 4, dL/dw = 4e37, and lr 10 takes w to −∞.
        Network network = Network.Create([1, 1], Activation.Identity, Activation.Identity, seed: 0);
        network.Parameters[0] = 0f;
        network.Parameters[1] = 1f;
        using var trainer = new Trainer(network, loss, new Sgd(10f), maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step([1e37f], [-1f]));
        Assert.Equal(4f, e.Loss);
        Assert.True(e.GradientsFinite);
        Assert.False(e.UpdateFinite);
        Assert.Equal([0f, 1f], network.Parameters.ToArray());
        float[] output = new float[1];
        using Workspace workspace = network.CreateWorkspace(1);
        network.Predict([1e37f], output, workspace);
        Assert.Equal(1f, output[0]);
    }

    [Fact]
    public void Parameters_written_between_steps_are_seen_by_the_guard()
    {
        // p = [w1, w2, b], x = [0, 1]: w1 takes no part in the output, so setting it to 3e38 keeps the loss and
        // the gradients small; weight decay with lr·λ = 3 then maps w1 to −2·w1 = −∞. A guard that trusted what
        // it knew of the parameters from the last step would let that through.
        Twins twins = Twins.Create("Sgd weight decay", [2, 1]);
        twins.Both(network => network.Parameters[0] = 3e38f);
        float rate = twins.Guarded.Optimizer.LearningRate;
        twins.Guarded.Optimizer.LearningRate = 300f;
        twins.AssertRefused([0f, 1f], [twins.Output(0f, 1f) - 1f]);
        twins.Guarded.Optimizer.LearningRate = rate;
        twins.Both(network => network.Parameters[0] = 0.5f);
        twins.AssertSameAfterGoodSteps();
    }

    [Fact]
    public void A_parameter_written_through_a_span_held_across_a_step_is_reported_not_hidden()
    {
        // The guard learns of writes from the Parameters getter. A span taken before a Step and written after it
        // goes unseen: the overflowing update is then written (it cannot be undone) but reported, never silent.
        Network network = Network.Create([2, 1], Activation.Identity, Activation.Identity, seed: 0);
        var sgd = new Sgd(0.1f, weightDecay: 0.01f);
        using var trainer = new Trainer(network, Loss.SumSquaredError, sgd, maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        Span<float> held = network.Parameters;
        trainer.Step([0f, 1f], [0.5f]);
        held[0] = 3e38f;
        sgd.LearningRate = 300f;
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Step([0f, 1f], [0.5f]));
        Assert.Contains("Parameters", e.Message, StringComparison.Ordinal);
        Assert.Contains("span", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FiniteNearTheTop))]
    public void A_step_near_the_largest_float_that_stays_finite_is_taken(string setup)
    {
        // w1 = 3e38 (no part in the output): every optimizer's step moves it by far less than its distance to
        // float.MaxValue, so the step must succeed and equal the optimizer's own update of the same buffers.
        Network network = Network.Create([2, 1], Activation.Identity, Activation.Identity, seed: 0);
        network.Parameters[0] = 3e38f;
        IOptimizer optimizer = OptimizerSetups.Create(setup), direct = OptimizerSetups.Create(setup);
        using var trainer = new Trainer(network, Loss.SumSquaredError, optimizer, maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float[] expected = network.Parameters.ToArray();
        for (int s = 0; s < 3; s++)
        {
            float[] x = [0f, 0.5f + s], t = [0.25f * s];
            trainer.Step(x, t);
            direct.Step(trainer.Gradients, expected);
            MlpAssert.BitIdentical(expected, network.Parameters, $"{setup}, step {s}");
        }

        Assert.True(network.Parameters[0] > 1e38f, $"{network.Parameters[0]}");
    }

    [Theory]
    [MemberData(nameof(FiniteNearTheTop))]
    public void Warm_guarded_steps_allocate_nothing_on_the_proven_path_and_on_the_slow_one(string setup)
    {
        // [2, 1] identity, x = [0, 1]: w1 takes no part in the output. w1 = 0.5 gives the proven path every step;
        // w1 = 3e38 leaves the bound unable to prove anything, so every step saves, updates and checks.
        foreach (float w1 in new[] { 0.5f, 3e38f })
        {
            Network network = Network.Create([2, 1], Activation.Identity, Activation.Identity, seed: 0);
            network.Parameters[0] = w1;
            using var trainer = new Trainer(network, Loss.SumSquaredError, OptimizerSetups.Create(setup), maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
            float[] x = [0f, 1f], t = [0.5f];
            trainer.Step(x, t);
            trainer.Step(x, t);
            Allocations allocated = AllocationProbe.OnThisThread(() => trainer.Step(x, t), calls: 20);
            Assert.True(allocated.Bytes == 0, $"{setup}, w1 = {w1}: warm guarded Steps allocated {allocated}.");
        }
    }

    [Fact]
    public void A_custom_optimizer_that_overflows_has_its_parameters_restored()
    {
        Network network = Network.Create([3, 2], Activation.Tanh, Activation.Identity, seed: 5);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Overflowing(), maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float[] before = network.Parameters.ToArray();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step([0.5f, -0.5f, 1f], [0f, 1f]));
        Assert.False(e.UpdateFinite);
        MlpAssert.BitIdentical(before, network.Parameters, "the parameters of a refused custom step");
    }

    /// <summary>Writes +∞ into the last parameter after scaling all of them: a custom update gone wrong.</summary>
    private sealed class Overflowing : IOptimizer
    {
        public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = (parameters[i] * 2) + gradients[i];
            }

            parameters[^1] = float.PositiveInfinity;
        }
    }

    /// <summary>
    /// Two identical networks, trainers and optimizers (same seed, same setup) stepped through the same good
    /// batches; the guarded one then meets a step that must be refused, the twin never sees it.
    /// </summary>
    private sealed class Twins
    {
        private Twins((Network, Trainer, IAdjustableOptimizer) guarded, (Network, Trainer, IAdjustableOptimizer) twin)
        {
            Guarded = guarded;
            Twin = twin;
        }

        public (Network Network, Trainer Trainer, IAdjustableOptimizer Optimizer) Guarded { get; }

        public (Network Network, Trainer Trainer, IAdjustableOptimizer Optimizer) Twin { get; }

        public static Twins Create(string setup, int[] sizes)
        {
            var twins = new Twins(Make(setup, sizes), Make(setup, sizes));
            twins.GoodSteps(first: 0);
            return twins;
        }

        /// <summary>The guarded network's output for one input row (the twin's is the same).</summary>
        public float Output(params float[] inputs)
        {
            float[] y = new float[1];
            using Workspace workspace = Guarded.Network.CreateWorkspace(1);
            Guarded.Network.Predict(inputs, y, workspace);
            return y[0];
        }

        public void Both(Action<Network> change)
        {
            change(Guarded.Network);
            change(Twin.Network);
        }

        public void AssertRefused(float[] inputs, float[] targets)
        {
            float[] before = Guarded.Network.Parameters.ToArray();
            long steps = StepCount(Guarded.Optimizer);
            var e = Assert.Throws<TrainingDivergedException>(() => Guarded.Trainer.Step(inputs, targets));
            Assert.True(float.IsFinite(e.Loss) && e.GradientsFinite, $"the loss {e.Loss} and gradients (finite: {e.GradientsFinite}) should pass; the update should not");
            Assert.False(e.UpdateFinite);
            MlpAssert.BitIdentical(before, Guarded.Network.Parameters, "the parameters after a refused step");
            Assert.Equal(steps, StepCount(Guarded.Optimizer));
        }

        /// <summary>The optimizer state is what it was if the two go on bit-identically.</summary>
        public void AssertSameAfterGoodSteps()
        {
            GoodSteps(first: 10);
            MlpAssert.BitIdentical(Twin.Network.Parameters, Guarded.Network.Parameters, "the guarded network against its twin");
            Assert.Equal(StepCount(Twin.Optimizer), StepCount(Guarded.Optimizer));
        }

        private static (Network, Trainer, IAdjustableOptimizer) Make(string setup, int[] sizes)
        {
            Network network = Network.Create(sizes, Activation.Identity, Activation.Identity, seed: 7);
            IAdjustableOptimizer optimizer = OptimizerSetups.Create(setup);
            return (network, new Trainer(network, Loss.SumSquaredError, optimizer, maxBatch: 2, maxDegreeOfParallelism: 1), optimizer);
        }

        private static long StepCount(IOptimizer optimizer) => optimizer switch
        {
            Adam adam => adam.StepCount,
            AdamW adamW => adamW.StepCount,
            _ => 0,
        };

        private void GoodSteps(int first)
        {
            int inputs = Guarded.Network.InputSize;
            for (int s = first; s < first + 3; s++)
            {
                float[] x = OptimizerSetups.Values(2 * inputs, seed: s), t = OptimizerSetups.Values(2, seed: 100 + s);
                Guarded.Trainer.Step(x, t);
                Twin.Trainer.Step(x, t);
            }
        }
    }
}
