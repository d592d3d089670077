// OptimizerSnapshotTests: issue 17's IStatefulOptimizer. SaveState then LoadState resumes training exactly: a trainer
// stepped k times, its parameters and state saved, then stepped m more, is matched bit for bit (parameters, state and
// Adam's t) by a new optimizer and a new Trainer on a new network holding the saved parameters, for every built-in
// optimizer setting, on the tiny and the general (fusing) path. Loaded magnitudes are the guard's: a loaded velocity or
// moment that makes the next update overflow is refused as divergence (the guard's proof would otherwise pass and the
// update be written). LoadState refuses another kind of optimizer, another number of buffers and NaN or infinite state,
// changing nothing; the OptimizerSnapshot constructor refuses buffers of different lengths, a null buffer and negative
// steps; state loaded for another parameter count is refused by the first Trainer step (InvalidOperationException,
// nothing written) and a direct Step (ArgumentException); an empty snapshot is a Reset. Snapshots are copies both ways.
using System.Globalization;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerSnapshotTests
{
    private const int Parameters = 26;   // [3, 4, 2]: 12 + 4 + 8 + 2

    public static TheoryData<string> All() => OptimizerSetups.AllRows();

    public static TheoryData<string, bool> AllOnBothPaths()
    {
        var rows = new TheoryData<string, bool>();
        foreach (string setup in OptimizerSetups.All)
        {
            rows.Add(setup, true);
            rows.Add(setup, false);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(AllOnBothPaths))]
    public void A_restored_snapshot_continues_training_bit_for_bit(string setup, bool tiny)
    {
        const int K = 3, M = 4;
        IAdjustableOptimizer original = OptimizerSetups.Create(setup);
        using Trainer first = Trainer(Net(tiny, seed: 5), original, tiny);
        for (int s = 0; s < K; s++)
        {
            Step(first, s);
        }

        float[] saved = first.Network.Parameters.ToArray();
        OptimizerSnapshot state = ((IStatefulOptimizer)original).SaveState();
        Assert.Equal(setup == "Sgd" || setup == "Sgd weight decay" ? 0 : saved.Length, state.Length);
        Assert.Equal(original is Adam or AdamW ? K : 0, state.Steps);
        for (int s = K; s < K + M; s++)
        {
            Step(first, s);
        }

        IAdjustableOptimizer restored = OptimizerSetups.Create(setup);
        ((IStatefulOptimizer)restored).LoadState(state);
        Network network = Net(tiny, seed: 99);   // other parameters, overwritten by the saved ones
        saved.CopyTo(network.Parameters);
        using Trainer second = Trainer(network, restored, tiny);
        Assert.Equal(tiny, second.UsesTinyStep);
        for (int s = K; s < K + M; s++)
        {
            Step(second, s);
        }

        MlpAssert.BitIdentical(first.Network.Parameters, second.Network.Parameters, $"{setup}: parameters after the restored steps");
        SplitStepProperties.AssertSameState(original, restored, $"{setup}: state after the restored steps");
    }

    [Fact]
    public void Adam_and_AdamW_restore_their_step_count()
    {
        foreach (IStatefulOptimizer optimizer in new IStatefulOptimizer[] { new Adam(), new AdamW() })
        {
            IStatefulOptimizer other = optimizer is Adam ? new Adam() : new AdamW();
            float[] p = OptimizerSetups.Values(Parameters, seed: 1), g = OptimizerSetups.Values(Parameters, seed: 2);
            for (int s = 0; s < 5; s++)
            {
                optimizer.Step(g, p);
            }

            other.LoadState(optimizer.SaveState());
            Assert.Equal(5, other is Adam a ? a.StepCount : ((AdamW)other).StepCount);
        }
    }

    [Theory]
    [InlineData("Sgd momentum", 0)]
    [InlineData("Sgd Nesterov", 0)]
    [InlineData("Adam", 0)]
    [InlineData("AdamW", 0)]
    [InlineData("RmsProp momentum", 1)]
    public void Loaded_state_that_makes_the_update_overflow_is_refused_as_divergence(string setup, int buffer)
    {
        // One state value of 3e38 at parameter 0 and a learning rate of 10, gradients of 1: momentum's b and RMSProp's b
        // stay about 0.9·3e38, Adam's m too, and the step lr·b (lr·m̂ / (√v̂ + ε), v̂ ≤ 1) takes p past float.MaxValue. The
        // guard proves updates finite from the state's magnitudes, so it must know the loaded ones: with the magnitudes
        // of empty state (0) it would pass the update, which then writes an infinity it cannot undo.
        IAdjustableOptimizer optimizer = OptimizerSetups.Create(setup);
        optimizer.LearningRate = 10f;

        int kept = setup is "Adam" or "AdamW" or "RmsProp momentum" ? 2 : 1;
        float[][] buffers = [.. Enumerable.Range(0, kept).Select(_ => new float[Parameters])];
        buffers[buffer][0] = 3e38f;
        ((IStatefulOptimizer)optimizer).LoadState(new OptimizerSnapshot(optimizer.GetType().Name, 4, buffers));
        using Trainer trainer = Trainer(Net(tiny: false, seed: 1), optimizer, tiny: false);
        float[] before = trainer.Network.Parameters.ToArray();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.ApplyGradients(Enumerable.Repeat(1f, Parameters).ToArray()));
        Assert.False(e.UpdateFinite, setup);
        MlpAssert.BitIdentical(before, trainer.Network.Parameters, $"{setup}: parameters after the refused update");
        OptimizerSnapshot after = ((IStatefulOptimizer)optimizer).SaveState();
        for (int i = 0; i < kept; i++)
        {
            MlpAssert.BitIdentical(buffers[i], after.Buffers[i], $"{setup}: state buffer {i} after the refused update");
        }
    }

    [Fact]
    public void A_snapshot_of_another_kind_of_optimizer_is_refused()
    {
        AssertRefused("Sgd momentum", new OptimizerSnapshot("Adam", 3, [new float[Parameters], new float[Parameters]]), "Adam", "Sgd");
        AssertRefused("Adam", new OptimizerSnapshot("AdamW", 3, [new float[Parameters], new float[Parameters]]), "AdamW", "Adam");
        AssertRefused("RmsProp", new OptimizerSnapshot("Sgd", 0, [new float[Parameters]]), "Sgd", "RmsProp");
    }

    [Fact]
    public void A_snapshot_with_another_number_of_buffers_is_refused()
    {
        AssertRefused("Sgd", new OptimizerSnapshot("Sgd", 0, [new float[Parameters]]), "has 1", "keeps 0");                                   // momentum's velocity into plain SGD
        AssertRefused("RmsProp", new OptimizerSnapshot("RmsProp", 0, [new float[Parameters], new float[Parameters]]), "has 2", "keeps 1");    // v and b into v alone
        AssertRefused("RmsProp momentum", new OptimizerSnapshot("RmsProp", 0, [new float[Parameters]]), "has 1", "keeps 2");
        AssertRefused("Adam", new OptimizerSnapshot("Adam", 2, [new float[Parameters]]), "has 1", "keeps 2");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_snapshot_holding_a_non_finite_value_is_refused(float bad)
    {
        foreach (string setup in OptimizerSetups.Stateful)
        {
            int kept = setup is "Adam" or "AdamW" or "RmsProp momentum" ? 2 : 1;
            for (int buffer = 0; buffer < kept; buffer++)
            {
                float[][] buffers = [.. Enumerable.Range(0, kept).Select(_ => new float[Parameters])];
                buffers[buffer][Parameters - 1] = bad;
                AssertRefused(setup, new OptimizerSnapshot(OptimizerSetups.Create(setup).GetType().Name, 1, buffers), "NaN or infinite");
            }
        }
    }

    [Fact]
    public void The_snapshot_constructor_refuses_buffers_of_different_lengths_a_null_buffer_and_negative_steps()
    {
        ArgumentAssert.Throws<ArgumentException>("buffers", () => _ = new OptimizerSnapshot("Adam", 1, [new float[26], new float[25]]), "buffers[1]", "25", "26");
        ArgumentAssert.Throws<ArgumentException>("buffers", () => _ = new OptimizerSnapshot("Adam", 1, [new float[26], null!]), "buffers[1]", "null");
        ArgumentAssert.Throws<ArgumentException>("buffers", () => _ = new OptimizerSnapshot("Adam", 1, [null!]), "buffers[0]", "null");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("steps", () => _ = new OptimizerSnapshot("Adam", -1, [new float[26], new float[26]]), "-1");
        ArgumentAssert.Throws<ArgumentException>("optimizer", () => _ = new OptimizerSnapshot("", 1, []));
        Assert.Throws<ArgumentNullException>("buffers", () => _ = new OptimizerSnapshot("Adam", 1, null!));
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void State_loaded_for_another_parameter_count_is_refused_by_the_first_step_with_nothing_written(string setup)
    {
        int kept = setup is "Adam" or "AdamW" or "RmsProp momentum" ? 2 : 1;
        OptimizerSnapshot state = new(OptimizerSetups.Create(setup).GetType().Name, 1, [.. Enumerable.Range(0, kept).Select(_ => OptimizerSetups.Values(Parameters - 1, seed: 3))]);
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        ((IStatefulOptimizer)optimizer).LoadState(state);
        using Trainer trainer = Trainer(Net(tiny: false, seed: 1), optimizer, tiny: false);
        float[] before = trainer.Network.Parameters.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => Step(trainer, 0));
        Assert.Contains((Parameters - 1).ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Contains(Parameters.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        trainer.ComputeGradients(Inputs(0), Targets(0));
        Assert.Throws<InvalidOperationException>(() => trainer.ApplyGradients(trainer.Gradients));
        MlpAssert.BitIdentical(before, trainer.Network.Parameters, $"{setup}: parameters after the refused steps");
        SplitStepProperties.AssertSameState(Loaded(setup, state), optimizer, $"{setup}: state after the refused steps");

        float[] p = new float[Parameters], g = new float[Parameters];
        ArgumentAssert.Throws<ArgumentException>("parameters", () => optimizer.Step(g, p), (Parameters - 1).ToString(CultureInfo.InvariantCulture), Parameters.ToString(CultureInfo.InvariantCulture));
        Assert.All(p, v => Assert.Equal(0f, v));
        optimizer.Step(g.AsSpan(1), p.AsSpan(1));   // as many as the state: the direct Step claims it
    }

    [Theory]
    [MemberData(nameof(All))]
    public void An_empty_snapshot_is_a_Reset(string setup)
    {
        // The optimizer trained one network; loading an empty snapshot must free it for another, as a new optimizer.
        IOptimizer used = OptimizerSetups.Create(setup), fresh = OptimizerSetups.Create(setup);
        using (Trainer before = Trainer(Net(tiny: false, seed: 1), used, tiny: false))
        {
            Step(before, 0);
            Step(before, 1);
        }

        ((IStatefulOptimizer)used).LoadState(new OptimizerSnapshot(used.GetType().Name, 7, []));
        OptimizerSnapshot now = ((IStatefulOptimizer)used).SaveState();
        Assert.Empty(now.Buffers);
        Assert.Equal(0, now.Steps);
        using Trainer a = Trainer(Net(tiny: false, seed: 2), used, tiny: false), b = Trainer(Net(tiny: false, seed: 2), fresh, tiny: false);
        for (int s = 0; s < 3; s++)
        {
            Step(a, s);
            Step(b, s);
        }

        MlpAssert.BitIdentical(b.Network.Parameters, a.Network.Parameters, $"{setup}: after the empty snapshot, against a new optimizer");
        SplitStepProperties.AssertSameState(fresh, used, $"{setup}: state after the empty snapshot");
    }

    [Fact]
    public void Snapshots_are_copies_both_ways()
    {
        var adam = new Adam(0.01f);
        using Trainer trainer = Trainer(Net(tiny: false, seed: 1), adam, tiny: false);
        Step(trainer, 0);
        OptimizerSnapshot saved = adam.SaveState();
        float[] m = saved.Buffers[0].ToArray();
        saved.Buffers[0][0] += 1;   // writing the exported copy
        MlpAssert.BitIdentical(m, adam.SaveState().Buffers[0], "m after writing an exported copy");

        float[][] buffers = [OptimizerSetups.Values(Parameters, seed: 1), new float[Parameters]];
        var loaded = new OptimizerSnapshot("Adam", 1, buffers);
        var other = new Adam(0.01f);
        other.LoadState(loaded);
        buffers[0][0] = float.NaN;   // writing the snapshot's array after the load
        Assert.False(float.IsNaN(other.SaveState().Buffers[0][0]), "the optimizer kept the caller's array instead of a copy");
    }

    public static TheoryData<string> Stateful() => OptimizerSetups.StatefulRows();

    /// <summary><paramref name="setup"/>'s optimizer holding <paramref name="state"/> (what a refused call must leave).</summary>
    private static IOptimizer Loaded(string setup, OptimizerSnapshot state)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        ((IStatefulOptimizer)optimizer).LoadState(state);
        return optimizer;
    }

    /// <summary>LoadState of <paramref name="snapshot"/> into a trained <paramref name="setup"/> throws ArgumentException naming snapshot and changes nothing.</summary>
    private static void AssertRefused(string setup, OptimizerSnapshot snapshot, params string[] mentions)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup), twin = OptimizerSetups.Create(setup);
        using Trainer trainer = Trainer(Net(tiny: false, seed: 1), optimizer, tiny: false), reference = Trainer(Net(tiny: false, seed: 1), twin, tiny: false);
        Step(trainer, 0);
        Step(reference, 0);
        ArgumentAssert.Throws<ArgumentException>(nameof(snapshot), () => ((IStatefulOptimizer)optimizer).LoadState(snapshot), mentions);
        SplitStepProperties.AssertSameState(twin, optimizer, $"{setup}: state after the refused load");
        Step(trainer, 1);   // still bound to its network: it goes on as its twin
        Step(reference, 1);
        MlpAssert.BitIdentical(reference.Network.Parameters, trainer.Network.Parameters, $"{setup}: after the refused load");
    }

    private static Network Net(bool tiny, int seed) => tiny
        ? Network.Create([3, 2, 2], Activation.Tanh, Activation.Sigmoid, seed)
        : Network.Create([3, 4, 2], Activation.Tanh, Activation.Softmax, seed);

    private static Trainer Trainer(Network network, IOptimizer optimizer, bool tiny) =>
        new(network, tiny ? Loss.SumSquaredError : Loss.CrossEntropy, optimizer, maxBatch: 4, maxDegreeOfParallelism: 1);

    private static void Step(Trainer trainer, int seed) => trainer.Step(Inputs(seed), Targets(seed));

    private static float[] Inputs(int seed) => OptimizerSetups.Values(4 * 3, seed);

    /// <summary>One-hot rows (CrossEntropy; as good as any targets for the squared error of the tiny network).</summary>
    private static float[] Targets(int seed)
    {
        float[] t = new float[4 * 2];
        for (int b = 0; b < 4; b++)
        {
            t[(2 * b) + ((b + seed) % 2)] = 1;
        }

        return t;
    }
}
