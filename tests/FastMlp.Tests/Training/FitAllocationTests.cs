// FitAllocationTests: a steady-state epoch allocates nothing (issue 5), the gather of every batch into
// the batch buffers and the running metrics included. The internal Trainer.TrainEpoch (the body of one
// Fit epoch, given the buffers Fit allocates once) runs twice to warm up, then 10 more runs are counted
// on this thread, every one of them (AllocationProbe.OnThisThread). Batch sizes 1, 7 and 32 over 71
// samples, so 7 and 32 end on a remainder batch; 784-128-10 softmax/cross-entropy (the W5 network, with
// accuracy) and 4-8-2 identity/MSE (with mean absolute error).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class FitAllocationTests
{
    private const int Count = 71;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void A_warm_classification_epoch_allocates_nothing(int batchSize)
    {
        var random = new Random(1);
        float[] features = new float[Count * 784];
        int[] labels = new int[Count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        for (int i = 0; i < Count; i++)
        {
            labels[i] = random.Next(10);
        }

        Network network = Network.Create([784, 128, 10], Activation.Relu, Activation.Softmax, seed: 0);
        AssertWarmEpochAllocatesNothing(network, Loss.CrossEntropy, Dataset.ForClassification(features, 784, labels, 10), batchSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void A_warm_regression_epoch_allocates_nothing(int batchSize)
    {
        AssertWarmEpochAllocatesNothing(FitTestData.Regressor(), Loss.MeanSquaredError, FitTestData.Regression(Count, seed: 1), batchSize);
    }

    private static void AssertWarmEpochAllocatesNothing(Network network, Loss loss, Dataset data, int batchSize)
    {
        using var trainer = new Trainer(network, loss, new Sgd(0.01f), batchSize, maxDegreeOfParallelism: 1);
        int[] order = [.. Enumerable.Range(0, data.Count).Reverse()];
        float[] batchInputs = new float[batchSize * network.InputSize], batchTargets = new float[batchSize * network.OutputSize];
        using var cancellation = new CancellationTokenSource(); // a real token, as Fit may be given
        CancellationToken token = cancellation.Token;
        EpochMetrics metrics = default;
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            metrics = trainer.TrainEpoch(data, order, batchSize, batchInputs, batchTargets, token);
        }

        Allocations allocated = AllocationProbe.OnThisThread(() => metrics = trainer.TrainEpoch(data, order, batchSize, batchInputs, batchTargets, token), calls: 10);

        Assert.True(allocated.Bytes == 0, $"{loss}, batch {batchSize}: warm epochs of {data.Count} samples allocated {allocated}.");
        Assert.True(float.IsFinite(metrics.Loss) && metrics.Loss > 0, $"The epoch's loss is {metrics.Loss}.");
    }
}
