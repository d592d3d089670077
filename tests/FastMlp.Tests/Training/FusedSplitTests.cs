// FusedSplitTests: a fused weight update large enough for the training split rule (784 · 256 · batch ≥ 2^19
// multiply-adds) is shared by the worker threads (FusedWeights), as the unfused step's dW product is, with the
// same bits. Alone (SerialTestGroup): it counts WorkerPool.SplitJobs, which every test in the process adds to.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class FusedSplitTests
{
    private const int Steps = 3;

    [Theory]
    [InlineData(4)]
    [InlineData(32)]
    public void A_fused_layer_large_enough_is_split_across_threads_with_the_same_bits(int batch)
    {
        // 784 · 256 · batch passes the training split rule's 2^19 multiply-adds: the unfused step splits that layer's dW
        // product, the fused one its weight update (FusedWeights), so both dispatch as many split jobs per step.
        int[] sizes = [784, 256, 10];
        var fused = new Trainer(Network.Create(sizes, Activation.Relu, Activation.Softmax, seed: 2), Loss.CrossEntropy, new Adam(1e-3f), batch, maxDegreeOfParallelism: 2);
        var unfused = new Trainer(Network.Create(sizes, Activation.Relu, Activation.Softmax, seed: 2), Loss.CrossEntropy, new Adam(1e-3f), batch, maxDegreeOfParallelism: 2) { KeepsGradients = true };
        var random = new Random(batch);
        for (int step = 0; step < Steps; step++)
        {
            float[] inputs = [.. Enumerable.Range(0, batch * 784).Select(_ => (float)random.NextDouble())];
            float[] targets = new float[batch * 10];
            for (int b = 0; b < batch; b++)
            {
                targets[(b * 10) + random.Next(10)] = 1;
            }

            long before = WorkerPool.SplitJobs;
            unfused.Step(inputs, targets);
            long unfusedJobs = WorkerPool.SplitJobs - before;
            before = WorkerPool.SplitJobs;
            fused.Step(inputs, targets);
            long fusedJobs = WorkerPool.SplitJobs - before;
            MlpAssert.BitIdentical(unfused.Network.Parameters.ToArray(), fused.Network.Parameters.ToArray(), $"batch {batch}, parameters after step {step}");
            Assert.True(WorkerPool.MaxWorkers < 2 || (fusedJobs == unfusedJobs && fusedJobs > 0), $"batch {batch}, step {step}: {fusedJobs} split jobs fused, {unfusedJobs} unfused");
        }

        Assert.Equal(GemmLanes256.IsSupported ? Steps : 0, fused.FusedSteps);
    }
}
