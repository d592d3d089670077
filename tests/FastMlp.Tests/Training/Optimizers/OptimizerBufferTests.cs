// OptimizerBufferTests: what a Step does with its buffers and state, for every optimizer path.
//   - Gradients and parameters of different lengths, or overlapping, throw ArgumentException naming
//     gradients and write nothing; the rejected call does not bind the state to its length.
//   - A stateful optimizer's state belongs to the length of its first Step: a later Step with another
//     length throws naming parameters and both lengths, writes nothing, and leaves the state as it was
//     (the next good Step is bit-identical to one of an optimizer that never saw the bad call).
//   - Reset starts over: afterwards the optimizer steps bit-identically to a new one, at any length.
//   - Momentum-free SGD keeps no state and steps any length at any time.
//   - With no weight decay, a zero first gradient leaves every parameter exactly where it was.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerBufferTests
{
    public static TheoryData<string> All() => OptimizerSetups.AllRows();

    public static TheoryData<string> Stateful() => OptimizerSetups.StatefulRows();

    [Theory]
    [MemberData(nameof(All))]
    public void Lengths_that_differ_throw_write_nothing_and_bind_nothing(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        float[] p = [1, 2, 3, 4];
        foreach (int gradients in new[] { 3, 5 })
        {
            float[] g = new float[gradients];
            Array.Fill(g, 1f);
            ArgumentAssert.Throws<ArgumentException>(nameof(gradients), () => optimizer.Step(g, p), $"{gradients}", "4");
            Assert.Equal([1, 2, 3, 4], p);
        }

        float[] other = OptimizerSetups.Values(7, seed: 1);
        optimizer.Step(OptimizerSetups.Values(7, seed: 2), other);   // the rejected calls bound no length
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Overlapping_buffers_throw_and_write_nothing(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        float[] shared = [1, 2, 3, 4, 5, 6];
        ArgumentAssert.Throws<ArgumentException>("gradients", () => optimizer.Step(shared.AsSpan(0, 4), shared.AsSpan(2, 4)), "overlaps");
        ArgumentAssert.Throws<ArgumentException>("gradients", () => optimizer.Step(shared.AsSpan(0, 4), shared.AsSpan(0, 4)), "overlaps");
        Assert.Equal([1, 2, 3, 4, 5, 6], shared);
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void A_later_step_with_another_length_throws_and_changes_nothing(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup), untroubled = OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(40, seed: 1), q = (float[])p.Clone();
        float[] g1 = OptimizerSetups.Values(40, seed: 2), g2 = OptimizerSetups.Values(40, seed: 3);
        optimizer.Step(g1, p);
        untroubled.Step(g1, q);

        foreach (int length in new[] { 39, 41, 0 })
        {
            float[] shorter = OptimizerSetups.Values(length, seed: 4), before = (float[])shorter.Clone();
            ArgumentAssert.Throws<ArgumentException>("parameters", () => optimizer.Step(OptimizerSetups.Values(length, seed: 5), shorter), $"{length}", "40", "Reset");
            Assert.Equal(before, shorter);
        }

        optimizer.Step(g2, p);
        untroubled.Step(g2, q);
        MlpAssert.BitIdentical(q, p, $"{setup} after rejected Steps");
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void Reset_starts_over_at_any_length(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(40, seed: 1);
        optimizer.Step(OptimizerSetups.Values(40, seed: 2), p);
        optimizer.Step(OptimizerSetups.Values(40, seed: 3), p);

        foreach (int length in new[] { 40, 23 })
        {
            OptimizerSetups.Reset(optimizer);
            IOptimizer fresh = OptimizerSetups.Create(setup);
            float[] a = OptimizerSetups.Values(length, seed: 4), b = (float[])a.Clone();
            for (int s = 0; s < 3; s++)
            {
                float[] g = OptimizerSetups.Values(length, seed: 10 + s);
                optimizer.Step(g, a);
                fresh.Step(g, b);
            }

            MlpAssert.BitIdentical(b, a, $"{setup} after Reset, length {length}");
        }
    }

    [Fact]
    public void Momentum_free_sgd_steps_any_length_at_any_time()
    {
        foreach (Sgd sgd in new[] { new Sgd(0.5f), new Sgd(0.5f, weightDecay: 0.25f) })
        {
            foreach (int length in new[] { 5, 17, 0, 3 })
            {
                float[] p = OptimizerSetups.Values(length, seed: length), g = OptimizerSetups.Values(length, seed: length + 1);
                sgd.Step(g, p);
            }
        }
    }

    [Fact]
    public void Adam_counts_steps_not_rejected_calls_and_Reset_zeroes_the_count()
    {
        var adam = new Adam();
        var adamW = new AdamW();
        float[] p = new float[8], g = OptimizerSetups.Values(8, seed: 1);
        adam.Step(g, p);
        adamW.Step(g, p);
        Assert.Throws<ArgumentException>(() => adam.Step(g, new float[9]));
        Assert.Throws<ArgumentException>(() => adamW.Step(g.AsSpan(1), p));
        adam.Step(g, p);
        Assert.Equal((2L, 1L), (adam.StepCount, adamW.StepCount));
        adam.Reset();
        adamW.Reset();
        Assert.Equal((0L, 0L), (adam.StepCount, adamW.StepCount));
    }

    [Theory]
    [InlineData("Sgd")]
    [InlineData("Sgd momentum")]
    [InlineData("AdamW")]
    [InlineData("RmsProp")]
    public void Without_weight_decay_a_zero_gradient_moves_nothing(string setup)
    {
        IOptimizer optimizer = setup == "AdamW" ? new AdamW(weightDecay: 0) : OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(37, seed: 1), before = (float[])p.Clone();
        optimizer.Step(new float[37], p);
        MlpAssert.BitIdentical(before, p, setup);
    }
}
