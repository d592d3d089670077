// FitBatchingTests: how Fit cuts an epoch into steps and orders the samples.
//   - Without shuffling, one epoch at batch size 1 (per-sample SGD), 7 (a remainder batch: 45 = 6·7 + 3)
//     and 45 (the whole set: full-batch descent) is bit-identical to calling Trainer.Step on consecutive
//     slices of the data, remainder last; the same sizes also learn the blobs with shuffling on.
//   - Reshuffling is seeded: the same seed gives the same history and parameters bit for bit, another
//     seed another history; and it happens before every epoch (a 2-epoch fit differs from two 1-epoch
//     fits of the same seed, whose two epochs see the same order), while without shuffling the two agree.
namespace FastMlp.Tests.Training;

public sealed class FitBatchingTests
{
    private const int Count = 45;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(Count)]
    public void An_unshuffled_epoch_is_the_steps_over_consecutive_batches(int batchSize)
    {
        Dataset data = FitTestData.Blobs(Count, seed: 1);
        Network fitted = FitTestData.Classifier(), stepped = FitTestData.Classifier();
        using var fitTrainer = new Trainer(fitted, Loss.CrossEntropy, new Sgd(0.1f), batchSize, maxDegreeOfParallelism: 1);
        using var stepTrainer = new Trainer(stepped, Loss.CrossEntropy, new Sgd(0.1f), batchSize, maxDegreeOfParallelism: 1);

        FitResult result = fitTrainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = batchSize, Shuffle = false });

        double lossSum = 0;
        for (int first = 0; first < Count; first += batchSize)
        {
            int rows = Math.Min(batchSize, Count - first);
            float loss = stepTrainer.Step(
                data.Features.Slice(first * FitTestData.Features, rows * FitTestData.Features),
                data.Targets.Slice(first * FitTestData.Classes, rows * FitTestData.Classes));
            lossSum += (double)loss * rows;
        }

        Assert.Equal(stepped.Parameters.ToArray(), fitted.Parameters.ToArray());
        Assert.Single(result.History);
        Assert.Equal((float)(lossSum / Count), result.History[0].Training.Loss, 1e-6f);
    }

    [Theory]
    [InlineData(1, 0.1f, 10)]
    [InlineData(7, 0.3f, 20)]
    [InlineData(Count, 1f, 150)]
    public void Per_sample_mid_and_full_batch_fits_learn_the_blobs(int batchSize, float learningRate, int epochs)
    {
        Dataset data = FitTestData.Blobs(Count, seed: 1);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(learningRate), batchSize, maxDegreeOfParallelism: 1);
        float before = trainer.Evaluate(data).Loss;

        FitResult result = trainer.Fit(data, new FitOptions { Epochs = epochs, BatchSize = batchSize, Seed = 3 });

        EpochMetrics after = trainer.Evaluate(data);
        Assert.Equal(epochs, result.History.Count);
        Assert.False(result.StoppedEarly);
        Assert.True(after.Loss < before / 2, $"batch {batchSize}: the loss went from {before} to {after.Loss} only.");
        Assert.True(after.Accuracy >= 0.9f, $"batch {batchSize}: training accuracy {after.Accuracy}.");
    }

    [Fact]
    public void The_same_seed_gives_the_same_history_and_another_seed_another()
    {
        (FitResult a, float[] pa) = FitBlobs(seed: 5, epochs: 3);
        (FitResult b, float[] pb) = FitBlobs(seed: 5, epochs: 3);
        (FitResult c, float[] pc) = FitBlobs(seed: 6, epochs: 3);

        Assert.Equal(pa, pb);
        Assert.Equal(Losses(a), Losses(b));
        Assert.NotEqual(pa, pc);
        Assert.NotEqual(Losses(a), Losses(c));
    }

    [Fact]
    public void Every_epoch_is_reshuffled()
    {
        (_, float[] twoEpochs) = FitBlobs(seed: 5, epochs: 2);
        float[] twoSingleEpochFits = TwoSingleEpochFits(shuffle: true);
        Assert.NotEqual(twoEpochs, twoSingleEpochFits);

        (_, float[] twoUnshuffled) = FitBlobs(seed: 5, epochs: 2, shuffle: false);
        Assert.Equal(twoUnshuffled, TwoSingleEpochFits(shuffle: false));
    }

    private static float[] TwoSingleEpochFits(bool shuffle)
    {
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 4, maxDegreeOfParallelism: 1);
        Dataset data = FitTestData.Blobs(Count, seed: 1);
        var once = new FitOptions { Epochs = 1, BatchSize = 4, Seed = 5, Shuffle = shuffle };
        trainer.Fit(data, once);
        trainer.Fit(data, once);
        return network.Parameters.ToArray();
    }

    private static (FitResult Result, float[] Parameters) FitBlobs(int seed, int epochs, bool shuffle = true)
    {
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 4, maxDegreeOfParallelism: 1);
        FitResult result = trainer.Fit(FitTestData.Blobs(Count, seed: 1), new FitOptions { Epochs = epochs, BatchSize = 4, Seed = seed, Shuffle = shuffle });
        return (result, network.Parameters.ToArray());
    }

    private static float[] Losses(FitResult result) => [.. result.History.Select(r => r.Training.Loss)];
}
