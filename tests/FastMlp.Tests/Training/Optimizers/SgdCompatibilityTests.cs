// SgdCompatibilityTests: momentum and weight decay did not change plain SGD. new Sgd(lr) and
// new Sgd(lr, momentum: 0, nesterov: false, weightDecay: 0) both give exactly p ← fma(−lr, g, p), the
// update Sgd made before they existed, bit for bit, over several steps at every length 0..300.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class SgdCompatibilityTests
{
    [Property(MaxTest = 200)]
    public Property Plain_sgd_is_bit_identical_to_the_fused_update() => Prop.ForAll(
        Arb.From(
            from length in OptimizerGenerators.Length
            from lr in OptimizerGenerators.LearningRate
            from seed in Gen.Choose(0, int.MaxValue)
            select (Length: length, LearningRate: lr, Seed: seed)),
        t =>
        {
            float[] want = OptimizerSetups.Values(t.Length, t.Seed);
            float[] one = (float[])want.Clone(), four = (float[])want.Clone();
            Sgd oneArgument = new(t.LearningRate), fourArguments = new(t.LearningRate, momentum: 0, nesterov: false, weightDecay: 0);
            for (int step = 0; step < 3; step++)
            {
                float[] g = OptimizerSetups.Values(t.Length, t.Seed + step + 1);
                for (int i = 0; i < t.Length; i++)
                {
                    want[i] = MathF.FusedMultiplyAdd(-t.LearningRate, g[i], want[i]);
                }

                oneArgument.Step(g, one);
                fourArguments.Step(g, four);
            }

            MlpAssert.BitIdentical(want, one, $"new Sgd({t.LearningRate:R}), length {t.Length}");
            MlpAssert.BitIdentical(want, four, $"new Sgd({t.LearningRate:R}, 0, false, 0), length {t.Length}");
        });
}
