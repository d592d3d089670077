// OptimizerBindingTests: issue 9 item 8, a stateful optimizer's state belongs to one parameter buffer.
//   - The first Trainer.Step binds it to that trainer's network; another trainer whose network has as many
//     parameters gets InvalidOperationException naming the parameter buffer, writes nothing, and the first
//     trainer goes on as if the second had never tried (bit-identical to a twin with its own optimizer).
//   - Reset releases the state: the optimizer then trains the other network as a new one would.
//   - Bound by a Trainer, a direct Step on other parameters throws ArgumentException naming parameters;
//     on the network's own Parameters it is the same buffer and works.
//   - State bound by direct Steps (on memory the GC may move) is matched by length, so the same array keeps
//     working across compacting collections, and a Trainer on other parameters refuses it.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerBindingTests
{
    public static TheoryData<string> Stateful() => OptimizerSetups.StatefulRows();

    [Theory]
    [MemberData(nameof(Stateful))]
    public void One_optimizer_shared_by_two_trainers_refuses_the_second_network(string setup)
    {
        // Both networks have 15 parameters ([4, 3]: 12 weights, 3 biases): their lengths cannot tell them apart.
        IOptimizer shared = OptimizerSetups.Create(setup), own = OptimizerSetups.Create(setup);
        Network first = Create(seed: 1), second = Create(seed: 2), twin = Create(seed: 1);
        using Trainer a = Train(first, shared), b = Train(second, shared), reference = Train(twin, own);
        Assert.Equal(15, second.Parameters.Length);
        Step(a, seed: 0);
        Step(reference, seed: 0);

        float[] before = second.Parameters.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => Step(b, seed: 1));
        Assert.Contains("parameter buffer", e.Message, StringComparison.Ordinal);
        Assert.Contains("Reset", e.Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(before, second.Parameters, $"{setup}: the refused network");

        Step(a, seed: 2);
        Step(reference, seed: 2);
        MlpAssert.BitIdentical(twin.Parameters, first.Parameters, $"{setup}: the first network after the refusal");
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void Reset_releases_the_state_for_another_network(string setup)
    {
        IOptimizer shared = OptimizerSetups.Create(setup), fresh = OptimizerSetups.Create(setup);
        Network first = Create(seed: 1), second = Create(seed: 2), twin = Create(seed: 2);
        using Trainer a = Train(first, shared), b = Train(second, shared), reference = Train(twin, fresh);
        Step(a, seed: 0);
        OptimizerSetups.Reset(shared);
        for (int s = 1; s < 3; s++)
        {
            Step(b, seed: s);
            Step(reference, seed: s);
        }

        MlpAssert.BitIdentical(twin.Parameters, second.Parameters, $"{setup}: after Reset, on the second network");
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void Bound_by_a_trainer_a_direct_step_on_other_parameters_throws_and_on_its_own_works(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        Network network = Create(seed: 1);
        using Trainer trainer = Train(network, optimizer);
        Step(trainer, seed: 0);

        float[] other = OptimizerSetups.Values(15, seed: 3), before = (float[])other.Clone();
        ArgumentAssert.Throws<ArgumentException>("parameters", () => optimizer.Step(OptimizerSetups.Values(15, seed: 4), other), "parameter buffer", "Reset");
        Assert.Equal(before, other);

        float[] own = network.Parameters.ToArray();
        optimizer.Step(trainer.Gradients, network.Parameters);
        Assert.False(own.AsSpan().SequenceEqual(network.Parameters), "the direct step on the trainer's own network updated it");
        Step(trainer, seed: 1);
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void Bound_by_direct_steps_a_trainer_on_other_parameters_is_refused(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(15, seed: 1);
        optimizer.Step(OptimizerSetups.Values(15, seed: 2), p);
        Network network = Create(seed: 1);
        using Trainer trainer = Train(network, optimizer);
        float[] before = network.Parameters.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => Step(trainer, seed: 0));
        Assert.Contains("parameter buffer", e.Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(before, network.Parameters, setup);
    }

    [Theory]
    [MemberData(nameof(Stateful))]
    public void Direct_steps_on_one_array_work_across_compacting_collections_and_allocate_nothing(string setup)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup), twin = OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(15, seed: 1), q = (float[])p.Clone(), g = OptimizerSetups.Values(15, seed: 2);
        for (int s = 0; s < 4; s++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            optimizer.Step(g, p);
            twin.Step(g, q);
        }

        MlpAssert.BitIdentical(q, p, setup);
        Allocations allocated = AllocationProbe.OnThisThread(() => optimizer.Step(g, p), calls: 20);
        Assert.True(allocated.Bytes == 0, $"{setup}: warm direct Steps allocated {allocated}.");
    }

    private static Network Create(int seed) => Network.Create([4, 3], Activation.Tanh, Activation.Identity, seed);

    private static Trainer Train(Network network, IOptimizer optimizer) =>
        new(network, Loss.MeanSquaredError, optimizer, maxBatch: 2, maxDegreeOfParallelism: 1) { KeepsGradients = true };

    private static void Step(Trainer trainer, int seed) =>
        trainer.Step(OptimizerSetups.Values(8, seed), OptimizerSetups.Values(6, seed + 50));
}
