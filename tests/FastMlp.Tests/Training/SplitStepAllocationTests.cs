// SplitStepAllocationTests: issue 17's split step allocates nothing when warm, as Step does (TrainerAllocationTests,
// ParallelAllocationTests): warm ComputeGradients, ApplyGradients on a buffer of the caller's (the copy) and on
// Gradients itself (no copy) allocate 0 bytes, every one of 20 calls, counted on the calling thread and the pool's
// workers (AllocationProbe.OnThisThreadAndWorkers), at batch 1 and the trainer's maximum, at 1 and 2 threads, on the
// tiny path ([2, 2, 1]) and the general one (784-256-128-10, whose batch-64 products split across workers: each
// 2-thread run proves it reached one), with Sgd (no state) and Adam (two state buffers and t).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

// Alone (SerialTestGroup), as TrainerAllocationTests: a parallel test holding every pooled GEMM context at a counted
// call makes that call build one, and a busy worker pool runs a job on the caller alone, so the split would go untested.
[Collection(SerialTestGroup.Name)]
public sealed class SplitStepAllocationTests
{
    private const int Calls = 20;

    [Theory]
    [InlineData(true, 1, false)]
    [InlineData(true, 2, false)]
    [InlineData(false, 1, false)]
    [InlineData(false, 2, false)]
    [InlineData(true, 1, true)]
    [InlineData(true, 2, true)]
    [InlineData(false, 1, true)]
    [InlineData(false, 2, true)]
    public void Warm_ComputeGradients_and_ApplyGradients_allocate_nothing(bool tiny, int threads, bool adam)
    {
        Network network = tiny
            ? Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 1)
            : Network.Create([784, 256, 128, 10], Activation.Relu, Activation.Softmax, seed: 1);
        int maxBatch = tiny ? 8 : 64;
        IOptimizer optimizer = adam ? new Adam(1e-4f) : new Sgd(1e-3f);
        using var trainer = new Trainer(network, tiny ? Loss.SumSquaredError : Loss.CrossEntropy, optimizer, maxBatch, threads);
        Assert.Equal(tiny, trainer.UsesTinyStep);
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

        float[] mine = new float[network.Parameters.Length];
        string what = $"{(tiny ? "tiny" : "general")} path, {threads} thread(s), {optimizer.GetType().Name}";
        foreach (int batch in new[] { 1, maxBatch })
        {
            float loss = float.NaN;
            void Compute() => loss = trainer.ComputeGradients(inputs.AsSpan(0, batch * nIn), targets.AsSpan(0, batch * nOut));
            void ApplyMine() => trainer.ApplyGradients(mine);
            void ApplyOwn() => trainer.ApplyGradients(trainer.Gradients);
            for (int warmUp = 0; warmUp < 3; warmUp++)
            {
                Compute();
                trainer.Gradients.CopyTo(mine);
                ApplyMine();
                Compute();
                ApplyOwn();
            }

            long splitBefore = WorkerPool.SplitJobs;
            Allocations compute = AllocationProbe.OnThisThreadAndWorkers(Compute, Calls);
            long computeSplits = WorkerPool.SplitJobs - splitBefore;
            trainer.Gradients.CopyTo(mine);
            Allocations applyMine = AllocationProbe.OnThisThreadAndWorkers(ApplyMine, Calls);
            Allocations applyOwn = AllocationProbe.OnThisThreadAndWorkers(ApplyOwn, Calls);
            Assert.True(compute.Bytes == 0, $"{what}, batch {batch}: warm ComputeGradients allocated {compute}.");
            Assert.True(applyMine.Bytes == 0, $"{what}, batch {batch}: warm ApplyGradients of the caller's buffer allocated {applyMine}.");
            Assert.True(applyOwn.Bytes == 0, $"{what}, batch {batch}: warm ApplyGradients(Gradients) allocated {applyOwn}.");
            Assert.True(float.IsFinite(loss) && loss > 0, $"{what}: ComputeGradients returned the loss {loss}.");
            if (!tiny && threads == 2 && batch == maxBatch && Environment.ProcessorCount > 1)
            {
                Assert.True(computeSplits >= Calls, $"{what}: {Calls} ComputeGradients split only {computeSplits} jobs across workers");
            }
        }
    }
}
