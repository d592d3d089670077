// SampleWeightTests: Trainer.Step(inputs, targets, weights), the weighted batch mean Σ w·ℓ / Σ w (SampleWeights.cs).
//   - FsCheck against NaiveMlp's weighted loss and gradient (double): every legal activation × loss combination,
//     random architectures, batches 1..70 (odd ones and 1 included), 1 or 2 threads, weights from
//     MlpTestData.DrawWeights (zeros, equal, powers of two, six decades); loss, Gradients and the SGD step within
//     MlpErrorBound's weighted bound.
//   - Equal weights (any value, 1e-20 to 3e30): the unweighted Step bit for bit (loss, Gradients, parameters, over
//     steps with momentum), for every loss, BinaryCrossEntropy included.
//   - A sample of weight 0 has no influence: other inputs and targets in its row give the same step bit for bit (its
//     dZ row is exactly 0, so every product adds exact zeros; zeros compared by value, as ±0 may differ); and the
//     step equals the step on the batch without it within the sum of the two steps' MlpErrorBound bounds (both are
//     that close to the same exact step; the kernels may round a smaller batch differently).
//   - Every path: the tiny straight-line pass against the general one bit for bit (and it is proven taken), the
//     fused update against the unfused one bit for bit (and proven fused), clipping by norm on the weighted
//     gradients, the divergence guard (a NaN in a sample of weight 0 still diverges, nothing changed).
//   - Refused with nothing written: weights of the wrong length, negative, NaN, infinite, all 0.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class SampleWeightTests
{
    private static readonly bool Fuses = GemmLanes256.IsSupported;

    private static Gen<MlpTestCase> WithBce { get; } = Gen.Frequency(
        (4, MlpGenerators.AnyCases),
        (1, Gen.Elements(MlpGenerators.HiddenActivations).SelectMany(h => MlpGenerators.Cases(h, Activation.Sigmoid, Loss.BinaryCrossEntropy, Gen.Constant(MlpTargets.Unit)))));

    [Property(MaxTest = 300)]
    public Property Weighted_step_matches_the_weighted_NaiveMlp() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), t => MlpCheck.StepMatchesNaive(t, MlpTestData.DrawWeights(t)));

    [Property(MaxTest = 150)]
    public Property Equal_weights_give_the_unweighted_step_bit_for_bit() => Prop.ForAll(MlpGenerators.Arbitrary(WithBce), t =>
    {
        t = t with { LearningRate = 1f / 128 };   // three steps: a rate that cannot diverge
        float weight = new[] { 1f, 0.3f, 7f, 1e-20f, 3e30f }[t.Seed % 5];
        var data = MlpTestData.Create(t);
        float[] weights = Enumerable.Repeat(weight, t.Batch).ToArray();
        using Trainer plain = Trainer(t, data), weighted = Trainer(t, data);
        for (int step = 0; step < 3; step++)
        {
            float a = plain.Step(data.Inputs, data.Targets), b = weighted.Step(data.Inputs, data.Targets, weights);
            MlpAssert.BitIdentical([a], [b], $"{t}, weight {weight}, loss of step {step}");
            MlpAssert.BitIdentical(plain.Gradients, weighted.Gradients, $"{t}, weight {weight}, gradients of step {step}");
            MlpAssert.BitIdentical(plain.Network.Parameters, weighted.Network.Parameters, $"{t}, weight {weight}, parameters after step {step}");
        }
    });

    [Property(MaxTest = 150)]
    public Property A_zero_weight_sample_has_no_influence() => Prop.ForAll(MlpGenerators.Arbitrary(WithBce), t =>
    {
        t = t with { Batch = Math.Max(2, t.Batch) };
        var data = MlpTestData.Create(t);
        float[] weights = MlpTestData.DrawWeights(t);
        int zero = t.Seed % t.Batch;
        weights[zero] = 0;
        weights[(zero + 1) % t.Batch] = Math.Max(weights[(zero + 1) % t.Batch], 0.5f);

        // Other values in the zero-weight row: the same step, bit for bit.
        float[] inputs = (float[])data.Inputs.Clone(), targets = (float[])data.Targets.Clone();
        var random = new Random(t.Seed);
        for (int i = 0; i < t.InputSize; i++)
        {
            inputs[(zero * t.InputSize) + i] = MlpTestData.Uniform(random, 8);
        }

        for (int j = 0; j < t.OutputSize; j++)
        {
            targets[(zero * t.OutputSize) + j] = (float)random.NextDouble();
        }

        using Trainer first = Trainer(t, data), second = Trainer(t, data);
        float a = first.Step(data.Inputs, data.Targets, weights), b = second.Step(inputs, targets, weights);
        Assert.True(a == b, $"{t}: loss {a:R}, {b:R} with other values in the zero-weight sample {zero}");
        AssertEqualValues(first.Gradients, second.Gradients, $"{t}: gradient");
        AssertEqualValues(first.Network.Parameters, second.Network.Parameters, $"{t}: parameter");

        // Without the sample: the same step within rounding.
        MlpTestCase fewer = t with { Batch = t.Batch - 1 };
        MlpTestData kept = MlpTestData.Without(data, t, zero);
        float[] keptWeights = [.. weights.Where((_, r) => r != zero)];
        using Trainer without = Trainer(fewer, kept);
        without.Step(kept.Inputs, kept.Targets, keptWeights);
        MlpCheck.Reference full = MlpCheck.Reference.Compute(t, data, weights), reduced = MlpCheck.Reference.Compute(fewer, kept, keptWeights);
        if (full.Bound.NearReluKink || reduced.Bound.NearReluKink)
        {
            return;
        }

        for (int p = 0; p < full.Gradients.Length; p++)
        {
            MlpAssert.Within("Gradients with the zero-weight sample against without it", p, first.Gradients[p], without.Gradients[p], full.Bound.Gradients[p] + reduced.Bound.Gradients[p], t);
            MlpAssert.Within("Parameters with the zero-weight sample against without it", p, first.Network.Parameters[p], without.Network.Parameters[p], full.Bound.Parameters[p] + reduced.Bound.Parameters[p], t);
        }
    });

    [Property(MaxTest = 200)]
    public Property Weighted_tiny_steps_match_the_general_path_bit_for_bit_and_NaiveMlp() => Prop.ForAll(MlpGenerators.Arbitrary(TinyCases), t =>
    {
        var data = MlpTestData.Create(t);
        float[] weights = MlpTestData.DrawWeights(t);
        using Trainer tiny = Trainer(t with { LearningRate = 1f / 128 }, data), general = Trainer(t with { LearningRate = 1f / 128 }, data);
        general.UseGeneralPath();
        Assert.True(tiny.UsesTinyStep, $"{t}: the tiny path was not chosen.");
        for (int step = 0; step < 3; step++)
        {
            float a = tiny.Step(data.Inputs, data.Targets, weights), b = general.Step(data.Inputs, data.Targets, weights);
            MlpAssert.BitIdentical([b], [a], $"{t}, loss of step {step}");
            MlpAssert.BitIdentical(general.Gradients, tiny.Gradients, $"{t}, gradients of step {step}");
            MlpAssert.BitIdentical(general.Network.Parameters, tiny.Network.Parameters, $"{t}, parameters after step {step}");
        }

        return MlpCheck.StepMatchesNaive(t, weights);   // on a fresh trainer, which takes the tiny path as above
    });

    [Property(MaxTest = 100)]
    public Property Weighted_fused_steps_are_bit_identical_to_unfused_steps() => Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), t =>
    {
        t = t with { Batch = Math.Min(t.Batch, FastMlp.Trainer.FusedBatchLimit), LearningRate = 1f / 128 };
        var data = MlpTestData.Create(t);
        float[] weights = MlpTestData.DrawWeights(t);
        using Trainer fused = Trainer(t, data, keepGradients: false), unfused = Trainer(t, data);
        if (fused.UsesTinyStep)
        {
            return;
        }

        for (int step = 0; step < 3; step++)
        {
            float a = fused.Step(data.Inputs, data.Targets, weights), b = unfused.Step(data.Inputs, data.Targets, weights);
            MlpAssert.BitIdentical([b], [a], $"{t}, loss of step {step}");
            MlpAssert.BitIdentical(unfused.Network.Parameters, fused.Network.Parameters, $"{t}, parameters after step {step}");
        }

        Assert.True(fused.FusedSteps == (Fuses ? 3 : 0) && unfused.FusedSteps == 0, $"{t}: {fused.FusedSteps} fused steps, {unfused.FusedSteps} with the gradients kept");
    });

    [Fact]
    public void Clipping_by_norm_scales_the_weighted_gradients()
    {
        var t = new MlpTestCase([5, 7, 3], Activation.Tanh, Activation.Softmax, Loss.CrossEntropy, 6, MlpTargets.OneHot, 0.125f, 1, Seed: 3);
        var data = MlpTestData.Create(t);
        float[] weights = [0.5f, 0f, 2f, 1f, 3f, 0.25f];
        using Trainer clipped = Trainer(t, data), free = Trainer(t, data);
        clipped.ClipGradientNorm = 1e-3f;
        clipped.Step(data.Inputs, data.Targets, weights);
        free.Step(data.Inputs, data.Targets, weights);
        double norm = Math.Sqrt(free.Gradients.ToArray().Sum(g => (double)g * g));
        Assert.True(norm > 1e-2, $"the weighted gradient's norm {norm} is too small for the clip to act");
        double coefficient = 1e-3 / (norm + 1e-6);
        for (int p = 0; p < free.Gradients.Length; p++)
        {
            MlpAssert.Within("Clipped weighted gradient", p, clipped.Gradients[p], free.Gradients[p] * coefficient, (1e-5 * Math.Abs(free.Gradients[p] * coefficient)) + 1e-12, t);
        }
    }

    [Fact]
    public void A_NaN_in_a_zero_weight_sample_still_diverges_with_nothing_changed()
    {
        var t = new MlpTestCase([4, 5, 2], Activation.Relu, Activation.Identity, Loss.MeanSquaredError, 3, MlpTargets.Symmetric, 0.125f, 1, Seed: 5);
        var data = MlpTestData.Create(t);
        using Trainer trainer = Trainer(t, data);
        float[] before = trainer.Network.Parameters.ToArray(), inputs = (float[])data.Inputs.Clone();
        inputs[4] = float.NaN;   // sample 1
        Assert.Throws<TrainingDivergedException>(() => trainer.Step(inputs, data.Targets, [1f, 0f, 2f]));
        MlpAssert.BitIdentical(before, trainer.Network.Parameters, "parameters after the diverged step");
    }

    [Fact]
    public void Bad_weights_are_refused_naming_the_sample_with_nothing_written()
    {
        var t = new MlpTestCase([3, 4, 2], Activation.Sigmoid, Activation.Softmax, Loss.CrossEntropy, 3, MlpTargets.OneHot, 0.125f, 1, Seed: 2);
        var data = MlpTestData.Create(t);
        using Trainer trainer = Trainer(t, data);
        trainer.Step(data.Inputs, data.Targets, [1f, 2f, 3f]);
        float[] parameters = trainer.Network.Parameters.ToArray(), gradients = trainer.Gradients.ToArray();
        foreach (float[] wrongLength in new[] { Array.Empty<float>(), [1f, 2f], [1f, 2f, 3f, 4f] })
        {
            ArgumentException refused = Assert.Throws<ArgumentException>(() => trainer.Step(data.Inputs, data.Targets, wrongLength));
            Assert.Equal("weights", refused.ParamName);
            Assert.Contains($"weights has {wrongLength.Length} elements but the batch has 3 samples", refused.Message, StringComparison.Ordinal);
        }

        foreach (float bad in new[] { -1f, -float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            ArgumentException refused = Assert.Throws<ArgumentException>(() => trainer.Step(data.Inputs, data.Targets, [1f, 0f, bad]));
            Assert.Equal("weights", refused.ParamName);
            Assert.Contains($"Sample 2 has the weight {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}", refused.Message, StringComparison.Ordinal);
        }

        ArgumentException zeros = Assert.Throws<ArgumentException>(() => trainer.Step(data.Inputs, data.Targets, [0f, 0f, -0f]));
        Assert.Equal("weights", zeros.ParamName);
        Assert.Contains("Every one of the 3 weights is 0", zeros.Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(parameters, trainer.Network.Parameters, "parameters after the refused steps");
        MlpAssert.BitIdentical(gradients, trainer.Gradients, "gradients after the refused steps");
    }

    /// <summary>Cases the tiny path takes: layers narrower than a vector, products within its threshold, squared errors, no Softmax.</summary>
    private static Gen<MlpTestCase> TinyCases { get; } =
        from sizes in Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 7), n))
        from hidden in Gen.Elements(MlpGenerators.TinyPathActivations)
        from output in Gen.Elements(MlpGenerators.TinyPathActivations)
        from loss in Gen.Elements(Loss.MeanSquaredError, Loss.SumSquaredError)
        from batchSeed in Gen.Choose(1, 1000)
        from seed in Gen.Choose(0, int.MaxValue)
        let widest = Enumerable.Range(0, sizes.Length - 1).Max(l => sizes[l] * sizes[l + 1])
        let batch = 1 + (batchSeed % Math.Max(1, Gemm.TinyMultiplyAdds / widest))
        select new MlpTestCase(sizes, hidden, output, loss, batch, MlpTargets.Symmetric, 0.125f, 1, seed);

    /// <summary>A trainer (SGD with momentum) on the case's network and parameters, batch and threads.</summary>
    private static Trainer Trainer(MlpTestCase t, MlpTestData data, bool keepGradients = true) =>
        new(MlpCheck.CreateNetwork(t, data), t.Loss, new Sgd(t.LearningRate, momentum: 0.5f), t.Batch, t.Threads) { KeepsGradients = keepGradients };

    /// <summary>Every element equal as a value (so +0 and −0 agree), NaN never.</summary>
    private static void AssertEqualValues(ReadOnlySpan<float> want, ReadOnlySpan<float> got, string what)
    {
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(got[i] == want[i], $"{what} {i}: {got[i]:R}, expected {want[i]:R}");
        }
    }
}
