// TrainingSplitTests: a training step splits a layer's products between threads only from
// DenseLayer.TrainingSplitMultiplyAdds (its update rewrites every weight on the calling core, so a smaller split
// only moves weights and gradients between the cores' caches), while a prediction keeps the GEMM's own threshold.
// Counted through the worker pool's dispatches (WorkerPool.SplitJobs), so the test proves what ran, not only
// that the answers agree; on a one-core machine nothing can split and the split counts are zero. Serial: a job
// finding the pool busy runs alone, which would hide a split.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class TrainingSplitTests
{
    private static readonly int[] Sizes = [784, 256, 128, 10];

    [Fact]
    public void A_batch_1_step_stays_on_one_thread_where_a_batch_1_prediction_splits()
    {
        Network network = Network.Create(Sizes, Activation.Relu, Activation.Softmax, seed: 0);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), maxBatch: 32, maxDegreeOfParallelism: 2);
        float[] x = [.. Enumerable.Range(0, 32 * 784).Select(i => (i % 17) / 17f)];
        float[] t = new float[32 * 10];
        for (int r = 0; r < 32; r++)
        {
            t[(r * 10) + (r % 10)] = 1;
        }

        trainer.Step(x.AsSpan(0, 784), t.AsSpan(0, 10));   // warm
        long before = WorkerPool.SplitJobs;
        trainer.Step(x.AsSpan(0, 784), t.AsSpan(0, 10));
        Assert.Equal(0, WorkerPool.SplitJobs - before);

        before = WorkerPool.SplitJobs;
        trainer.Step(x, t);
        Assert.True(WorkerPool.SplitJobs - before >= (Environment.ProcessorCount > 1 ? 2 : 0), "A batch-32 step did not split its large layers.");

        using Workspace workspace = network.CreateWorkspace(maxBatch: 1, maxDegreeOfParallelism: 2);
        float[] y = new float[10];
        before = WorkerPool.SplitJobs;
        network.Predict(x.AsSpan(0, 784), y, workspace);
        Assert.Equal(Environment.ProcessorCount > 1 ? 1 : 0, WorkerPool.SplitJobs - before);   // the first layer's GEMV
    }
}
