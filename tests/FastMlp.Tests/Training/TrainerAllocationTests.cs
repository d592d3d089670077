// TrainerAllocationTests: a warm Trainer.Step on one thread allocates 0 bytes at every batch size from 1
// to its maximum (issue 4), for each loss and the softmax paths (fused cross-entropy, and the Jacobian
// for a squared error). "Warm" means every batch size ran twice on this thread first. Counted on this
// thread, every one of 10 calls per batch size (AllocationProbe.OnThisThread), so parallel tests
// cannot disturb it. The weighted Step the same way (weights with zeros, unequal, so the weighted loss runs).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

// Alone (SerialTestGroup): the GEMM's packing contexts come from one pool per process, and a parallel test that
// held every pooled context at the moment of a counted call made that call build one (104 bytes, seen once in CI
// on [6, 4, 3] batch 22): a warm call allocates nothing while the pool has a context for each concurrent caller.
[Collection(SerialTestGroup.Name)]
public sealed class TrainerAllocationTests
{
    public static TheoryData<int[], Activation, Activation, Loss, int> Setups() => new()
    {
        { [784, 256, 128, 10], Activation.Relu, Activation.Softmax, Loss.CrossEntropy, 64 },
        { [2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, Loss.SumSquaredError, 64 },
        { [17, 9, 33], Activation.Tanh, Activation.Identity, Loss.MeanSquaredError, 40 },
        { [6, 4, 3], Activation.Relu, Activation.Softmax, Loss.MeanSquaredError, 40 },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public void Warm_single_thread_step_allocates_nothing_at_any_batch_size(int[] sizes, Activation hidden, Activation output, Loss loss, int maxBatch) =>
        AssertWarmStepsAllocateNothing(sizes, hidden, output, loss, maxBatch, weighted: false);

    [Theory]
    [MemberData(nameof(Setups))]
    [InlineData(new[] { 12, 16, 5 }, Activation.Relu, Activation.Sigmoid, Loss.BinaryCrossEntropy, 40)]
    public void Warm_single_thread_weighted_step_allocates_nothing_at_any_batch_size(int[] sizes, Activation hidden, Activation output, Loss loss, int maxBatch) =>
        AssertWarmStepsAllocateNothing(sizes, hidden, output, loss, maxBatch, weighted: true);

    private static void AssertWarmStepsAllocateNothing(int[] sizes, Activation hidden, Activation output, Loss loss, int maxBatch, bool weighted)
    {
        Network network = Network.Create(sizes, hidden, output, seed: 1);
        using var trainer = new Trainer(network, loss, new Sgd(1e-3f), maxBatch, maxDegreeOfParallelism: 1);
        int nIn = network.InputSize, nOut = network.OutputSize;
        float[] inputs = new float[maxBatch * nIn], targets = new float[maxBatch * nOut];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = ((i % 13) - 6) * 0.125f;
        }

        for (int b = 0; b < maxBatch; b++)
        {
            targets[(b * nOut) + (b % nOut)] = 1;
        }

        float[] weights = [.. Enumerable.Range(0, maxBatch).Select(b => b % 3 == 1 ? 0f : 1f + (b % 5))];
        float Step(int batch) => weighted
            ? trainer.Step(inputs.AsSpan(0, batch * nIn), targets.AsSpan(0, batch * nOut), weights.AsSpan(0, batch))
            : trainer.Step(inputs.AsSpan(0, batch * nIn), targets.AsSpan(0, batch * nOut));

        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            for (int batch = 1; batch <= maxBatch; batch++)
            {
                Step(batch);
            }
        }

        for (int batch = 1; batch <= maxBatch; batch++)
        {
            float loss1 = float.NaN;
            Allocations allocated = AllocationProbe.OnThisThread(() => loss1 = Step(batch), calls: 10);
            Assert.True(allocated.Bytes == 0, $"[{string.Join("-", sizes)}] {loss}{(weighted ? " weighted" : "")} batch {batch}: warm Steps allocated {allocated}.");
            Assert.True(float.IsFinite(loss1) && loss1 > 0, $"Step returned the loss {loss1}.");
        }
    }
}
