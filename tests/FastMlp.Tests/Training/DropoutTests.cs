// DropoutTests: Trainer.DropoutRates / FitOptions.DropoutRates (issue 14), inverted dropout on hidden layers.
//   - FsCheck over random cases (architectures, every legal activation × loss, batches, threads) with a random rate per
//     hidden layer: one Step's loss, gradients and parameters against NaiveMlp run with the mask the step used
//     (LastDropoutMask), within MlpErrorBound (which carries the mask's rounding); and the fused update (KeepsGradients
//     false) gives the same parameters bit for bit as the unfused one.
//   - Finite differences of NaiveMlp's loss with that fixed mask against Trainer.Gradients.
//   - The mask: each value is 0 or 1/(1 − p); the dropped fraction over 16,000 units is within 4.5 standard deviations
//     of p; masks differ between steps and layers; the same seed gives the same masks, another seed others.
//   - Rates of 0 give the bits of no dropout; Predict never drops; a dropout network leaves the tiny path.
//   - A reproducible Fit: two fits from the same weights and FitOptions.Seed end bit-identical; another seed differs;
//     the trainer's own rates and stream come back after a fit with FitOptions.DropoutRates.
//   - 0 B per warm Step with dropout, weighted or not; bad rates throw naming the argument; setting rates or the seed inside a Step (from
//     the optimizer it calls) throws InvalidOperationException and changes nothing.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

// Alone (SerialTestGroup), as TrainerAllocationTests: the GEMM's packing contexts come from one pool per process, and
// a parallel test holding every pooled context at the moment of a counted call makes that call build one (104 bytes;
// seen once in CI, PredictAllocationTests [784-256-128-10] batch 62 under DOTNET_EnableAVX512=0).
[Collection(SerialTestGroup.Name)]
public sealed class DropoutTests
{
    private static Gen<(MlpTestCase Case, float[] Rates)> Cases { get; } =
        from t in MlpGenerators.AnyCases
        from rates in Gen.ArrayOf(Gen.Elements(0f, 0.1f, 0.25f, 0.5f, 0.9f), t.Sizes.Length - 2)
        select (t, rates);

    [Property(MaxTest = 150)]
    public Property A_step_with_dropout_matches_the_naive_twin_with_its_mask() => Prop.ForAll(Arb.From(Cases), c =>
    {
        (MlpTestCase t, float[] rates) = c;
        var data = MlpTestData.Create(t);
        Network network = MlpCheck.CreateNetwork(t, data);
        using var trainer = new Trainer(network, t.Loss, new Sgd(t.LearningRate), t.Batch, t.Threads) { KeepsGradients = true, DropoutRates = rates, DropoutSeed = t.Seed };
        float[] before = network.Parameters.ToArray();
        float loss = trainer.Step(data.Inputs, data.Targets);

        NaiveMlp mlp = MlpReference.For(t);
        NaiveLoss naiveLoss = MlpReference.ToNaive(t.Loss);
        double[] theta = MlpReference.ToDouble(before), targets = MlpReference.ToDouble(data.Targets);
        double[]?[] masks = Masks(trainer, t, rates);
        NaiveForwardPass forward = mlp.Forward(theta, MlpReference.ToDouble(data.Inputs), t.Batch, masks);
        NaiveBackwardPass backward = mlp.Backward(theta, forward, naiveLoss, targets);
        var bound = MlpErrorBound.Compute(mlp, theta, forward, backward, naiveLoss, targets, t.LearningRate);
        return Prop.When(!bound.NearReluKink, () =>
        {
            MlpAssert.Within("Step loss", 0, loss, NaiveMlp.Loss(naiveLoss, forward.Output, targets), bound.Loss, c);
            MlpAssert.Within("Gradients", trainer.Gradients, backward.GradientsCopy(), bound.Gradients, c);
            MlpAssert.Within("Parameters after the step", network.Parameters, NaiveMlp.SgdStep(theta, backward.Gradients, t.LearningRate), bound.Parameters, c);

            // The fused update reads the same mask: the same parameters, bit for bit.
            Network fusedNetwork = MlpCheck.CreateNetwork(t, data);
            using var fused = new Trainer(fusedNetwork, t.Loss, new Sgd(t.LearningRate), t.Batch, t.Threads) { DropoutRates = rates, DropoutSeed = t.Seed };
            fused.Step(data.Inputs, data.Targets);
            MlpAssert.BitIdentical(network.Parameters, fusedNetwork.Parameters, $"fused and unfused parameters, {c}");
        });
    });

    [Fact]
    public void Gradients_with_a_fixed_mask_match_central_differences_of_the_loss()
    {
        foreach (Activation hidden in MlpGenerators.HiddenActivations)
        {
            var problem = SmoothMlpProblem.Create([3, 6, 5, 2], hidden, Activation.Softmax, Loss.CrossEntropy, 4);
            Network network = MlpCheck.CreateNetwork(problem.Case, problem.Data);
            using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.125f), 4, maxDegreeOfParallelism: 1) { KeepsGradients = true, DropoutRates = [0.5f, 0.25f], DropoutSeed = 3 };
            trainer.Step(problem.Data.Inputs, problem.Data.Targets);

            NaiveMlp mlp = MlpReference.For(problem.Case);
            double[]?[] masks = Masks(trainer, problem.Case, [0.5f, 0.25f]);
            double[] numeric = FiniteDifference.CentralGradient(θ => NaiveMlp.Loss(NaiveLoss.CrossEntropy, mlp.Forward(θ, problem.Inputs, 4, masks).Output, problem.Targets), problem.Parameters);
            NaiveForwardPass forward = mlp.Forward(problem.Parameters, problem.Inputs, 4, masks);
            var bound = MlpErrorBound.Compute(mlp, problem.Parameters, forward, mlp.Backward(problem.Parameters, forward, NaiveLoss.CrossEntropy, problem.Targets), NaiveLoss.CrossEntropy, problem.Targets, 0.125);
            Assert.False(bound.NearReluKink);
            Assert.True(numeric.Max(Math.Abs) > 0.04, $"{hidden}: the gradient is too small for the check to mean anything.");
            Assert.Contains(masks[0]!, m => m == 0);   // some unit really was dropped
            for (int p = 0; p < numeric.Length; p++)
            {
                MlpAssert.Within($"{hidden}: Gradients vs central differences", p, trainer.Gradients[p], numeric[p], bound.Gradients[p] + 1e-8, problem.Case);
            }
        }
    }

    [Fact]
    public void The_mask_drops_the_rate_and_scales_the_rest_and_follows_the_seed()
    {
        const int Batch = 64;
        foreach (float rate in new[] { 0.1f, 0.5f, 0.8f })
        {
            using var trainer = Wide(rate, seed: 11, Batch, out float[] inputs, out float[] targets);
            trainer.Step(inputs, targets);
            float[] first = trainer.LastDropoutMask(0, Batch), other = trainer.LastDropoutMask(1, Batch);
            float scale = 1f / (1f - rate);
            Assert.All(first, m => Assert.True(m == 0 || m == scale, $"mask value {m}"));
            double dropped = first.Count(m => m == 0), n = first.Length, sigma = Math.Sqrt(n * rate * (1 - rate));
            Assert.True(Math.Abs(dropped - (n * rate)) < 4.5 * sigma, $"rate {rate}: {dropped} of {n} dropped");
            Assert.NotEqual(first, other);   // layers differ
            trainer.Step(inputs, targets);
            Assert.NotEqual(first, trainer.LastDropoutMask(0, Batch));   // steps differ

            using var same = Wide(rate, seed: 11, Batch, out _, out _);
            same.Step(inputs, targets);
            Assert.Equal(first, same.LastDropoutMask(0, Batch));
            using var another = Wide(rate, seed: 12, Batch, out _, out _);
            another.Step(inputs, targets);
            Assert.NotEqual(first, another.LastDropoutMask(0, Batch));
        }
    }

    [Fact]
    public void Rates_of_zero_give_the_bits_of_no_dropout_and_Predict_never_drops()
    {
        using var plain = Wide(0, seed: 1, 16, out float[] inputs, out float[] targets);
        using var zero = Wide(0, seed: 1, 16, out _, out _);
        zero.DropoutRates = [0f, 0f];
        for (int s = 0; s < 3; s++)
        {
            plain.Step(inputs, targets);
            zero.Step(inputs, targets);
        }

        MlpAssert.BitIdentical(plain.Network.Parameters, zero.Network.Parameters, "parameters with rates 0 and without dropout");

        // A network trained with dropout predicts as a copy of its weights that never saw a dropout trainer, before and
        // after a dropout step, every call.
        using var dropping = Wide(0.5f, seed: 1, 16, out _, out _);
        Network copy = Network.Create([20, 250, 250, 10], Activation.Relu, Activation.Softmax, seed: 0);
        using Workspace a = dropping.Network.CreateWorkspace(16), b = copy.CreateWorkspace(16);
        for (int s = 0; s < 2; s++)
        {
            dropping.Network.Parameters.CopyTo(copy.Parameters);
            float[] got = new float[16 * 10], want = new float[16 * 10], again = new float[16 * 10];
            dropping.Network.Predict(inputs, got, a);
            dropping.Network.Predict(inputs, again, a);
            copy.Predict(inputs, want, b);
            MlpAssert.BitIdentical(want, got, $"Predict with a dropout trainer, after {s} steps");
            MlpAssert.BitIdentical(want, again, "a second Predict");
            dropping.Step(inputs, targets);
        }
    }

    [Fact]
    public void A_network_with_dropout_leaves_the_tiny_path_and_returns_to_it_without()
    {
        Network network = Network.Create([2, 3, 1], Activation.Tanh, Activation.Identity, seed: 1);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(0.1f), 4, 1);
        Assert.True(trainer.UsesTinyStep);
        trainer.DropoutRates = [0.5f];
        Assert.False(trainer.UsesTinyStep);
        trainer.DropoutRates = [];
        Assert.True(trainer.UsesTinyStep);
    }

    [Fact]
    public void A_fit_with_dropout_is_reproducible_from_its_seed_and_restores_the_trainers_settings()
    {
        Dataset data = FitTestData.Blobs(300, seed: 4);
        float[] Fit(int seed, out IReadOnlyList<float> ratesAfter, out int dropoutSeedAfter)
        {
            Network network = Network.Create([data.FeatureCount, 16, 16, data.TargetCount], Activation.Relu, Activation.Softmax, seed: 9);
            using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 32, 1) { DropoutSeed = 77 };
            trainer.Fit(data, new FitOptions { Epochs = 3, Seed = seed, DropoutRates = [0.3f, 0.3f] });
            (ratesAfter, dropoutSeedAfter) = (trainer.DropoutRates, trainer.DropoutSeed);
            return network.Parameters.ToArray();
        }

        float[] first = Fit(5, out IReadOnlyList<float> rates, out int dropoutSeed), again = Fit(5, out _, out _), other = Fit(6, out _, out _);
        MlpAssert.BitIdentical(first, again, "two fits with the same seed");
        Assert.NotEqual(first, other);
        Assert.Empty(rates);
        Assert.Equal(77, dropoutSeed);
    }

    [Fact]
    public void A_warm_step_with_dropout_and_weights_allocates_nothing()
    {
        using var trainer = Wide(0.5f, seed: 2, 32, out float[] inputs, out float[] targets);
        float[] weights = [.. Enumerable.Range(0, 32).Select(i => (i % 3) * 0.5f + 0.25f)];
        foreach (bool keep in new[] { false, true })
        {
            trainer.KeepsGradients = keep;
            for (int batch = 1; batch <= 32; batch++)
            {
                foreach (bool weighted in new[] { false, true })
                {
                    void Step()
                    {
                        if (weighted)
                        {
                            trainer.Step(inputs.AsSpan(0, batch * 20), targets.AsSpan(0, batch * 10), weights.AsSpan(0, batch));
                        }
                        else
                        {
                            trainer.Step(inputs.AsSpan(0, batch * 20), targets.AsSpan(0, batch * 10));
                        }
                    }

                    Step();
                    Step();
                    Allocations allocated = AllocationProbe.OnThisThread(Step, calls: 10);
                    Assert.True(allocated.Bytes == 0, $"batch {batch}, KeepsGradients {keep}, weighted {weighted}: warm Steps with dropout allocated {allocated}.");
                }
            }
        }
    }

    [Fact]
    public void Bad_rates_are_refused_naming_the_argument_and_change_nothing()
    {
        using var trainer = Wide(0.25f, seed: 2, 8, out float[] inputs, out float[] targets);
        Assert.Contains("2 hidden layers", Assert.Throws<ArgumentException>("DropoutRates", () => trainer.DropoutRates = [0.1f]).Message, StringComparison.Ordinal);
        foreach (float rate in new[] { -0.1f, 1f, 1.5f, float.NaN, float.PositiveInfinity })
        {
            Assert.Throws<ArgumentOutOfRangeException>("DropoutRates", () => trainer.DropoutRates = [0.1f, rate]);
        }

        Assert.Equal([0.25f, 0.25f], trainer.DropoutRates);
        var data = Dataset.ForClassification(inputs, 20, [.. Enumerable.Range(0, 8).Select(i => i % 10)], 10);
        Assert.Throws<ArgumentOutOfRangeException>("options", () => trainer.Fit(data, new FitOptions { BatchSize = 8, DropoutRates = [0.5f, 1f] }));
        Assert.Equal([0.25f, 0.25f], trainer.DropoutRates);
    }

    [Fact]
    public void Setting_rates_or_the_seed_during_a_step_throws_instead_of_swapping_buffers_under_it()
    {
        Network network = Network.Create([20, 30, 10], Activation.Relu, Activation.Softmax, seed: 3);
        var optimizer = new ReentrantOptimizer();
        using var trainer = new Trainer(network, Loss.CrossEntropy, optimizer, 4, 1) { DropoutRates = [0.25f] };
        optimizer.During = () =>
        {
            Assert.Throws<InvalidOperationException>(() => trainer.DropoutRates = [0.5f]);
            Assert.Throws<InvalidOperationException>(() => trainer.DropoutSeed = 9);
        };
        float[] targets = new float[40];
        targets[3] = 1;
        trainer.Step(new float[80], targets);
        Assert.Equal(1, optimizer.Calls);   // the setters really ran inside the step
        Assert.Equal([0.25f], trainer.DropoutRates);
        trainer.DropoutRates = [0.5f];   // and after it they work
        Assert.Equal([0.5f], trainer.DropoutRates);
    }

    /// <summary>The masks the last step used, as NaiveMlp takes them (null for a layer without dropout).</summary>
    private static double[]?[] Masks(Trainer trainer, MlpTestCase t, float[] rates) =>
        [.. Enumerable.Range(0, rates.Length).Select(l => rates[l] > 0 ? MlpReference.ToDouble(trainer.LastDropoutMask(l, t.Batch)) : null)];

    /// <summary>A 20-500-500-10 ReLU/softmax trainer with dropout <paramref name="rate"/> on both hidden layers and a batch of data.</summary>
    private static Trainer Wide(float rate, int seed, int batch, out float[] inputs, out float[] targets)
    {
        Network network = Network.Create([20, 250, 250, 10], Activation.Relu, Activation.Softmax, seed: 3);
        var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.05f), batch, maxDegreeOfParallelism: 1) { DropoutSeed = seed };
        if (rate > 0)
        {
            trainer.DropoutRates = [rate, rate];
        }

        var random = new Random(8);
        inputs = [.. Enumerable.Range(0, batch * 20).Select(_ => (float)random.NextDouble())];
        targets = new float[batch * 10];
        for (int b = 0; b < batch; b++)
        {
            targets[(b * 10) + (b % 10)] = 1;
        }

        return trainer;
    }

    /// <summary>Plain SGD that runs <see cref="During"/> inside its Step, that is inside the trainer's Step.</summary>
    private sealed class ReentrantOptimizer : IOptimizer
    {
        public Action During { get; set; } = () => { };

        public int Calls { get; private set; }

        public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
        {
            Calls++;
            During();
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= 0.01f * gradients[i];
            }
        }
    }
}
