// UpdateBoundTests: the update guard's proof is sound. For every optimizer path, over random cases whose
// parameters, gradients, state and learning rate span every scale up to float.MaxValue, whenever
// IGuardedOptimizer.Bounded(max |g|, max |p|) says the update cannot overflow, the update writes only
// finite parameters and state. The sweep must also see both answers often, so it proves something, and
// on ordinary values (|p|, |g| ≤ 10, the setups' learning rates) the bound never refuses.
namespace FastMlp.Tests.Training.Optimizers;

public sealed class UpdateBoundTests
{
    public static TheoryData<string> All() => OptimizerSetups.AllRows();

    [Theory]
    [MemberData(nameof(All))]
    public void What_the_bound_proves_finite_comes_out_finite(string setup)
    {
        var random = new Random(setup.Length);
        int proven = 0, refused = 0;
        for (int c = 0; c < 3000; c++)
        {
            int length = random.Next(1, 40);
            IAdjustableOptimizer optimizer = OptimizerSetups.Create(setup);
            var guarded = (IGuardedOptimizer)optimizer;
            var buffer = new PinnedFloats(length);
            for (int warm = random.Next(0, 3); warm > 0; warm--)
            {
                optimizer.Step(Scaled(random, length, maxExponent: 30), buffer.Span);
            }

            guarded.Bind(buffer);
            Span<float> p = buffer.Span;
            Scaled(random, length, maxExponent: 38.5).CopyTo(p);
            float[] g = Scaled(random, length, maxExponent: 38.5);
            optimizer.LearningRate = (float)Math.Pow(10, -4 + (random.NextDouble() * 42.5));
            float maxP = p.ToArray().Max(MathF.Abs), maxG = g.Max(MathF.Abs);
            if (!guarded.Bounded(maxG, maxP))
            {
                refused++;
                continue;
            }

            proven++;
            float largest = guarded.Update(g, p);
            Assert.True(
                float.IsFinite(largest) && guarded.StateFinite && p.ToArray().All(float.IsFinite),
                $"{setup} case {c}: proven with max |g| {maxG:R}, max |p| {maxP:R}, lr {optimizer.LearningRate:R}, but max |p| after is {largest:R}, state finite {guarded.StateFinite}");
        }

        Assert.True(proven > 300 && refused > 300, $"{setup}: {proven} cases proven, {refused} refused; the sweep should see both often");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Ordinary_values_are_always_proven(string setup)
    {
        var random = new Random(3);
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        var guarded = (IGuardedOptimizer)optimizer;
        float[] p = OptimizerSetups.Values(100, seed: 1);
        for (int s = 0; s < 200; s++)
        {
            float[] g = OptimizerSetups.Values(100, seed: 10 + s);
            for (int i = 0; i < g.Length; i++)
            {
                g[i] *= 10 * (float)random.NextDouble();
            }

            Assert.True(guarded.Bounded(10, Math.Max(10, p.Max(MathF.Abs))), $"{setup}, step {s}");
            optimizer.Step(g, p);
        }
    }

    /// <summary>Values of random sign whose magnitudes are 10^u, u uniform in [−20, maxExponent], capped at float.MaxValue.</summary>
    private static float[] Scaled(Random random, int length, double maxExponent)
    {
        double top = Math.Pow(10, -20 + (random.NextDouble() * (maxExponent + 20)));
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            double magnitude = Math.Min(top * random.NextDouble(), float.MaxValue);
            values[i] = (float)(random.Next(2) == 0 ? magnitude : -magnitude);
        }

        return values;
    }
}
