// FusedStepProperties: the fused backward pass (FusedBackward.cs: the optimizer applied to each block of
// dW as the product computes it) against the unfused one, bit for bit. Random architectures (2 to 4 layer
// sizes of 1..70, so layer widths fall on and off whole register pairs), every hidden activation, every
// output and loss, batches up to FusedBatchLimit, 1 or 2 threads, and all eight optimizer settings: two
// trainers on identical networks, one keeping its gradients (so it never fuses), take the same three steps,
// and every loss and every parameter must have the same bits (three steps carry the optimizer's state from
// step to step, so the state is compared through the parameters it moves). Each case proves the fused
// trainer fused every step and the other none, so the property cannot pass by comparing a path with itself.
// Facts: a step the guard cannot prove beforehand falls back to the unfused pass and takes the same step;
// Gradients is refused unless kept, and kept from the Step after KeepsGradients is set. Without the SIMD
// micro-kernel (DOTNET_EnableHWIntrinsic=0) nothing fuses, and the same assertions check that.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class FusedStepProperties
{
    private const int Steps = 3;

    /// <summary>Whether this machine (and the JIT's ISA settings) runs the micro-kernel the fused pass needs.</summary>
    private static readonly bool Fuses = GemmLanes256.IsSupported;

    private static readonly (Activation Output, Loss Loss)[] Outputs =
    [
        (Activation.Softmax, Loss.CrossEntropy), (Activation.Softmax, Loss.MeanSquaredError), (Activation.Identity, Loss.MeanSquaredError),
        (Activation.Sigmoid, Loss.SumSquaredError), (Activation.Tanh, Loss.MeanSquaredError), (Activation.Relu, Loss.SumSquaredError),
    ];

    private static Gen<FusedCase> Cases { get; } =
        from sizes in Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 70), n))
        from hidden in Gen.Elements(MlpGenerators.HiddenActivations)
        from output in Gen.Elements(Outputs)
        from optimizer in Gen.Choose(0, 7)
        from batch in Gen.Choose(1, Trainer.FusedBatchLimit)
        from threads in Gen.Choose(1, 2)
        from seed in Gen.Choose(0, 10_000)
        select new FusedCase(sizes, hidden, output.Output, output.Loss, optimizer, batch, threads, seed);

    [Property(MaxTest = 200)]
    public Property Fused_steps_are_bit_identical_to_unfused_steps() => Prop.ForAll(Arb.From(Cases), AssertSameBits);

    [Fact]
    public void A_step_the_guard_cannot_prove_beforehand_runs_unfused_and_takes_the_same_step()
    {
        // Neuron 0 of the first hidden layer has a bias of 1e20 and no weight to the next layer, so the outputs and the
        // loss stay small and so do the true gradients (at most about 1e20 · max|dZ|). The bound known before backward
        // multiplies max|dZ| by max|p| = 1e20 at each of the two hops back, and that times the 1e20 activation passes
        // float.MaxValue / 2: the guard cannot prove the fused update, the step falls back and is taken as unfused.
        var fused = new Trainer(OneLargeBias(), Loss.MeanSquaredError, new Sgd(1e-3f), maxBatch: 1, maxDegreeOfParallelism: 1);
        var unfused = new Trainer(OneLargeBias(), Loss.MeanSquaredError, new Sgd(1e-3f), maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float[] inputs = [.. Enumerable.Range(0, 9).Select(i => (i - 4) * 0.25f)], targets = [0.5f];
        Assert.Equal(Fuses, fused.FusesUpdate(1));
        float loss = fused.Step(inputs, targets);
        Assert.Equal(loss, unfused.Step(inputs, targets));
        Assert.True(float.IsFinite(loss), $"loss {loss}");
        Assert.Equal(0, fused.FusedSteps);
        MlpAssert.BitIdentical(unfused.Network.Parameters.ToArray(), fused.Network.Parameters.ToArray(), "parameters after the unproven step");
        Assert.Contains(fused.Network.Parameters.ToArray()[90..99], w => w != 0);   // the large activation's weights were trained
    }

    [Fact]
    public void Gradients_are_refused_unless_kept_and_kept_from_the_next_step()
    {
        var trainer = new Trainer(Network.Create([20, 30, 5], Activation.Tanh, Activation.Identity, seed: 3), Loss.MeanSquaredError, new Sgd(0.01f), maxBatch: 2);
        float[] inputs = [.. Enumerable.Range(0, 40).Select(i => (i % 7) * 0.1f)], targets = new float[10];
        trainer.Step(inputs, targets);
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => trainer.Gradients.ToArray());
        Assert.Contains("KeepsGradients", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Fuses ? 1 : 0, trainer.FusedSteps);

        trainer.KeepsGradients = true;
        trainer.Step(inputs, targets);
        Assert.Equal(Fuses ? 1 : 0, trainer.FusedSteps);
        Assert.Contains(trainer.Gradients.ToArray(), g => g != 0);
    }

    private static void AssertSameBits(FusedCase t)
    {
        var fused = new Trainer(Network.Create(t.Sizes, t.Hidden, t.Output, t.Seed), t.Loss, Optimizer(t.Optimizer), t.Batch, t.Threads);
        var unfused = new Trainer(Network.Create(t.Sizes, t.Hidden, t.Output, t.Seed), t.Loss, Optimizer(t.Optimizer), t.Batch, t.Threads) { KeepsGradients = true };
        if (fused.UsesTinyStep)
        {
            return;   // the straight-line pass has no fused update (TinyStepProperties covers it)
        }

        var random = new Random(t.Seed);
        int nIn = t.Sizes[0], nOut = t.Sizes[^1];
        for (int step = 0; step < Steps; step++)
        {
            float[] inputs = [.. Enumerable.Range(0, t.Batch * nIn).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            float[] targets = [.. Enumerable.Range(0, t.Batch * nOut).Select(_ => (float)random.NextDouble())];
            float a = fused.Step(inputs, targets), b = unfused.Step(inputs, targets);
            Assert.True(BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b), $"{t}, step {step}: loss {a} fused, {b} unfused");
            MlpAssert.BitIdentical(unfused.Network.Parameters.ToArray(), fused.Network.Parameters.ToArray(), $"{t}, parameters after step {step}");
        }

        Assert.True(fused.FusedSteps == (Fuses ? Steps : 0) && unfused.FusedSteps == 0, $"{t}: {fused.FusedSteps} fused steps, {unfused.FusedSteps} with the gradients kept");
    }

    /// <summary>9-9-9-1, identity activations; layer 0's bias 0 (parameter 81) is 1e20 and layer 1's weights from it (90..98) are 0.</summary>
    private static Network OneLargeBias()
    {
        Network network = Network.Create([9, 9, 9, 1], Activation.Identity, Activation.Identity, seed: 1);
        Span<float> p = network.Parameters;
        p[81] = 1e20f;
        p[90..99].Clear();
        return network;
    }

    private static IOptimizer Optimizer(int setting) => setting switch
    {
        0 => new Sgd(0.05f),
        1 => new Sgd(0.05f, weightDecay: 0.01f),
        2 => new Sgd(0.05f, momentum: 0.9f, weightDecay: 0.01f),
        3 => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
        4 => new Adam(1e-2f, weightDecay: 0.01f),
        5 => new AdamW(1e-2f, weightDecay: 0.01f),
        6 => new RmsProp(1e-2f, weightDecay: 0.01f),
        _ => new RmsProp(1e-2f, momentum: 0.9f),
    };

    private sealed record FusedCase(int[] Sizes, Activation Hidden, Activation Output, Loss Loss, int Optimizer, int Batch, int Threads, int Seed)
    {
        public override string ToString() => $"[{string.Join("-", Sizes)}] {Hidden}/{Output}, {Loss}, optimizer {Optimizer}, batch {Batch}, {Threads} thread(s), seed {Seed}";
    }
}
