// SplitStepProperties: issue 17's split step against the whole one, bit for bit. Two trainers on identical
// networks with identical optimizers: one takes Step, the other ComputeGradients then ApplyGradients(Gradients),
// over four batches; every loss, every parameter and the optimizer's state (SaveState, where it has one) must
// have the same bits after each. Random architectures, every hidden activation, squared-error and cross-entropy
// outputs, all eight optimizer settings, no clipping or clipping by value or by norm (thresholds that bite), 1 or 2
// threads, and three paths: the tiny straight-line pass (small networks, proven taken), the general path forced
// on such a network (UseGeneralPath), and whichever path larger networks take, with batches from 1 to past
// Trainer.FusedBatchLimit. Step fuses its update where it can and ComputeGradients never does, so each case also
// proves which trainer fused: the comparison is then the fused pass against the unfused one, which must agree.
using FastMlp.Tests.Infrastructure;
using FastMlp.Tests.Training.Optimizers;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class SplitStepProperties
{
    private const int Steps = 4;

    /// <summary>Whether this machine (and the JIT's ISA settings) runs the micro-kernel the fused pass needs.</summary>
    private static readonly bool Fuses = GemmLanes256.IsSupported;

    private static readonly (Activation Output, Loss Loss)[] Outputs =
    [
        (Activation.Softmax, Loss.CrossEntropy), (Activation.Identity, Loss.MeanSquaredError), (Activation.Sigmoid, Loss.SumSquaredError),
        (Activation.Tanh, Loss.MeanSquaredError),
    ];

    private static readonly (Activation Output, Loss Loss)[] TinyOutputs =
        [(Activation.Identity, Loss.MeanSquaredError), (Activation.Sigmoid, Loss.SumSquaredError), (Activation.Tanh, Loss.MeanSquaredError)];

    private static Gen<SplitCase> TinyCases { get; } =
        from sizes in Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 7), n))
        from hidden in Gen.Elements(MlpGenerators.TinyPathActivations)
        from output in Gen.Elements(TinyOutputs)
        from forceGeneral in Gen.Elements(false, true)
        from batchSeed in Gen.Choose(1, 1000)
        let widest = Enumerable.Range(0, sizes.Length - 1).Max(l => sizes[l] * sizes[l + 1])
        let maxBatch = Math.Max(1, Gemm.TinyMultiplyAdds / widest)
        select new SplitCase(sizes, hidden, output.Output, output.Loss, forceGeneral ? SplitPath.ForcedGeneral : SplitPath.Tiny, 1 + (batchSeed % maxBatch), maxBatch, 0, 0, 1, 0);

    private static Gen<SplitCase> GeneralCases { get; } =
        from sizes in Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 70), n))
        from hidden in Gen.Elements(MlpGenerators.HiddenActivations)
        from output in Gen.Elements(Outputs)
        from batch in Gen.Frequency((2, Gen.Constant(1)), (5, Gen.Choose(2, Trainer.FusedBatchLimit)), (2, Gen.Choose(Trainer.FusedBatchLimit + 1, 90)))
        select new SplitCase(sizes, hidden, output.Output, output.Loss, SplitPath.General, batch, batch, 0, 0, 1, 0);

    private static Gen<SplitCase> Cases { get; } =
        from shape in Gen.Frequency((1, TinyCases), (2, GeneralCases))
        from optimizer in Gen.Choose(0, OptimizerSetups.All.Length - 1)
        from clip in Gen.Choose(0, 2)
        from threads in Gen.Choose(1, 2)
        from seed in Gen.Choose(0, 10_000)
        select shape with { Optimizer = optimizer, Clip = clip, Threads = threads, Seed = seed };

    [Property(MaxTest = 200)]
    public Property ComputeGradients_then_ApplyGradients_is_Step_bit_for_bit() => Prop.ForAll(Arb.From(Cases), AssertSameBits);

    private static void AssertSameBits(SplitCase t)
    {
        using Trainer whole = Create(t), split = Create(t);
        if (t.Path != SplitPath.General)
        {
            Assert.True(whole.UsesTinyStep == (t.Path == SplitPath.Tiny), $"{t}: tiny path {whole.UsesTinyStep}");
        }

        var random = new Random(t.Seed);
        int nIn = t.Sizes[0], nOut = t.Sizes[^1];
        for (int step = 0; step < Steps; step++)
        {
            float[] inputs = [.. Enumerable.Range(0, t.Batch * nIn).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            float[] targets = [.. Enumerable.Range(0, t.Batch * nOut).Select(_ => (float)random.NextDouble())];
            float a = whole.Step(inputs, targets);
            float b = split.ComputeGradients(inputs, targets);
            split.ApplyGradients(split.Gradients);
            Assert.True(BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b), $"{t}, step {step}: loss {a:R} from Step, {b:R} from ComputeGradients");
            MlpAssert.BitIdentical(whole.Network.Parameters.ToArray(), split.Network.Parameters.ToArray(), $"{t}, parameters after step {step}");
            AssertSameState(whole.Optimizer, split.Optimizer, $"{t}, step {step}");
        }

        // Step fuses exactly where FusesUpdate says (these bounds are far from the guard's limits); the split never does.
        bool fused = Fuses && !whole.UsesTinyStep && t.Clip == 0 && t.Batch <= Trainer.FusedBatchLimit;
        Assert.True(whole.FusedSteps == (fused ? Steps : 0) && split.FusedSteps == 0, $"{t}: {whole.FusedSteps} fused Steps, {split.FusedSteps} fused split steps");
    }

    /// <summary>The optimizers' states, bit for bit (SaveState copies them); their step counts too.</summary>
    internal static void AssertSameState(IOptimizer want, IOptimizer got, string what)
    {
        OptimizerSnapshot a = ((IStatefulOptimizer)want).SaveState(), b = ((IStatefulOptimizer)got).SaveState();
        Assert.Equal(a.Optimizer, b.Optimizer);
        Assert.Equal(a.Steps, b.Steps);
        Assert.Equal(a.Buffers.Count, b.Buffers.Count);
        for (int i = 0; i < a.Buffers.Count; i++)
        {
            MlpAssert.BitIdentical(a.Buffers[i], b.Buffers[i], $"{what}: state buffer {i}");
        }
    }

    private static Trainer Create(SplitCase t)
    {
        var trainer = new Trainer(Network.Create(t.Sizes, t.Hidden, t.Output, t.Seed), t.Loss, OptimizerSetups.Create(OptimizerSetups.All[t.Optimizer]), t.MaxBatch, t.Threads);
        if (t.Path == SplitPath.ForcedGeneral)
        {
            trainer.UseGeneralPath();
        }

        // Thresholds below the typical gradient sizes of these networks, so clipping changes the step.
        if (t.Clip == 1)
        {
            trainer.ClipGradientValue = 0.01f;
        }
        else if (t.Clip == 2)
        {
            trainer.ClipGradientNorm = 0.05f;
        }

        return trainer;
    }

    private enum SplitPath
    {
        Tiny,
        ForcedGeneral,
        General,   // the trainer's own choice (a one-layer network of few outputs can still be tiny)
    }

    private sealed record SplitCase(int[] Sizes, Activation Hidden, Activation Output, Loss Loss, SplitPath Path, int Batch, int MaxBatch, int Optimizer, int Clip, int Threads, int Seed)
    {
        public override string ToString() =>
            $"[{string.Join("-", Sizes)}] {Hidden}/{Output}, {Loss}, {Path} path, batch {Batch} of {MaxBatch}, {OptimizerSetups.All[Optimizer]}, clip {(Clip == 0 ? "none" : Clip == 1 ? "by value" : "by norm")}, {Threads} thread(s), seed {Seed}";
    }
}
