// ParallelAllocationTests: with maxDegreeOfParallelism 2 (and −1, all cores) on a batch big enough to
// be split (batch 64 of 784-256-128-10: 12.8M multiply-adds in the first layer's GEMMs, over the 2 × 4M
// that buy a second worker), warm Predicts and warm Trainer.Steps allocate 0 bytes, every one of 50
// calls, on the calling thread and on the pool's worker threads (AllocationProbe.OnThisThreadAndWorkers:
// exact, whatever the test host allocates meanwhile). Every call must really reach a worker
// (WorkerPool.SplitJobs), or the workers' count would prove nothing; on a one-core machine no split is
// possible and none may be counted. Serial, so no other test holds the pool.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class ParallelAllocationTests
{
    private const int Batch = 64, Calls = 50;

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Warm_multi_threaded_predict_and_step_allocate_nothing(int maxDegreeOfParallelism)
    {
        Network network = Network.Create([784, 256, 128, 10], Activation.Relu, Activation.Softmax, seed: 1);
        using Workspace workspace = network.CreateWorkspace(Batch, maxDegreeOfParallelism);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(1e-3f), Batch, maxDegreeOfParallelism);
        float[] inputs = new float[Batch * 784], outputs = new float[Batch * 10], targets = new float[Batch * 10];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = ((i % 13) - 6) * 0.125f;
        }

        for (int b = 0; b < Batch; b++)
        {
            targets[(b * 10) + (b % 10)] = 1;
        }

        void Predict() => network.Predict(inputs, outputs, workspace);
        void Step() => trainer.Step(inputs, targets);

        for (int warmUp = 0; warmUp < 20; warmUp++)
        {
            Predict();
            Step();
        }

        long splitBefore = WorkerPool.SplitJobs;
        Allocations predict = AllocationProbe.OnThisThreadAndWorkers(Predict, Calls);
        long predictSplits = WorkerPool.SplitJobs - splitBefore;
        Allocations step = AllocationProbe.OnThisThreadAndWorkers(Step, Calls);
        long stepSplits = WorkerPool.SplitJobs - splitBefore - predictSplits;

        Assert.True(predict.Bytes == 0, $"maxDegreeOfParallelism {maxDegreeOfParallelism}: warm Predicts allocated {predict} on the caller and the workers.");
        Assert.True(step.Bytes == 0, $"maxDegreeOfParallelism {maxDegreeOfParallelism}: warm Steps allocated {step} on the caller and the workers.");
        if (Environment.ProcessorCount == 1)
        {
            Assert.True(predictSplits == 0 && stepSplits == 0, $"one core, yet {predictSplits + stepSplits} jobs were split");
        }
        else
        {
            Assert.True(predictSplits >= Calls, $"{Calls} Predicts split only {predictSplits} jobs across workers");
            Assert.True(stepSplits >= Calls, $"{Calls} Steps split only {stepSplits} jobs across workers");
        }
    }
}
