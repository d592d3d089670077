// FitValidationTests: validation data and early stopping.
//   - ValidationSplit holds out the tail (Keras' validation_split): a fit of 40 samples with split 0.25
//     trains exactly as a fit of the first 30 (bit-identical parameters and history), and its validation
//     metrics are those of Evaluate on the last 10.
//   - A separate Validation set is evaluated after every epoch, on that epoch's parameters.
//   - Early stopping: the validation set holds the training features with other labels, so the better
//     the network fits the training labels the higher the validation loss. The fit stops `patience`
//     epochs after the best one and ends with that epoch's parameters (bit for bit); with
//     RestoreBestWeights off it keeps the last epoch's; a falling validation loss never stops it.
namespace FastMlp.Tests.Training;

public sealed class FitValidationTests
{
    [Fact]
    public void ValidationSplit_holds_out_the_tail()
    {
        Dataset data = FitTestData.Blobs(40, seed: 2);
        Network split = FitTestData.Classifier(), head = FitTestData.Classifier();
        using var splitTrainer = new Trainer(split, Loss.CrossEntropy, new Sgd(0.1f), 8, maxDegreeOfParallelism: 1);
        using var headTrainer = new Trainer(head, Loss.CrossEntropy, new Sgd(0.1f), 8, maxDegreeOfParallelism: 1);

        FitResult withSplit = splitTrainer.Fit(data, new FitOptions { Epochs = 3, BatchSize = 5, Seed = 9, ValidationSplit = 0.25 });
        FitResult onHead = headTrainer.Fit(data.Slice(0, 30), new FitOptions { Epochs = 3, BatchSize = 5, Seed = 9 });

        Assert.Equal(head.Parameters.ToArray(), split.Parameters.ToArray());
        Assert.Equal(onHead.History.Select(r => r.Training), withSplit.History.Select(r => r.Training));
        Assert.Equal(headTrainer.Evaluate(data.Slice(30, 10)), withSplit.History[^1].Validation);
        Assert.All(onHead.History, r => Assert.Null(r.Validation));
    }

    [Fact]
    public void A_validation_set_is_evaluated_after_every_epoch()
    {
        Dataset training = FitTestData.Blobs(30, seed: 2), validation = FitTestData.Blobs(12, seed: 3);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 8, maxDegreeOfParallelism: 1);
        var recorder = new FitRecorder(network);

        trainer.Fit(training, new FitOptions { Epochs = 3, BatchSize = 8, Validation = validation, Progress = recorder });

        Network replay = FitTestData.Classifier();
        using var evaluator = new Trainer(replay, Loss.CrossEntropy, new Sgd(0.1f), 8, maxDegreeOfParallelism: 1);
        for (int e = 0; e < 3; e++)
        {
            recorder.Parameters[e].CopyTo(replay.Parameters);
            Assert.Equal(evaluator.Evaluate(validation), recorder.Reports[e].Validation);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Early_stopping_stops_after_patience_epochs_and_restores_the_best_parameters(int patience)
    {
        (Dataset training, Dataset contradicting) = ContradictoryValidation();
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.5f), 10, maxDegreeOfParallelism: 1);
        var recorder = new FitRecorder(network);

        FitResult result = trainer.Fit(training, new FitOptions
        {
            Epochs = 30,
            BatchSize = 10,
            Validation = contradicting,
            EarlyStoppingPatience = patience,
            Progress = recorder,
        });

        float[] losses = [.. result.History.Select(r => r.Validation!.Value.Loss)];
        Assert.True(result.StoppedEarly, $"Validation losses {string.Join(", ", losses)} never stopped the fit.");
        Assert.Equal(result.BestEpoch + patience, result.History.Count);
        Assert.Equal(losses.Min(), losses[result.BestEpoch - 1]);
        Assert.All(losses.Skip(result.BestEpoch), loss => Assert.True(loss >= losses[result.BestEpoch - 1]));
        Assert.Equal(recorder.Parameters[result.BestEpoch - 1], network.Parameters.ToArray());
        Assert.NotEqual(recorder.Parameters[^1], network.Parameters.ToArray());
        Assert.Equal(losses[result.BestEpoch - 1], trainer.Evaluate(contradicting).Loss);
    }

    [Fact]
    public void Without_RestoreBestWeights_early_stopping_keeps_the_last_parameters()
    {
        (Dataset training, Dataset contradicting) = ContradictoryValidation();
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.5f), 10, maxDegreeOfParallelism: 1);
        var recorder = new FitRecorder(network);

        FitResult result = trainer.Fit(training, new FitOptions
        {
            Epochs = 30,
            BatchSize = 10,
            Validation = contradicting,
            EarlyStoppingPatience = 2,
            RestoreBestWeights = false,
            Progress = recorder,
        });

        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestEpoch + 2, result.History.Count);
        Assert.Equal(recorder.Parameters[^1], network.Parameters.ToArray());
    }

    [Fact]
    public void A_falling_validation_loss_never_stops_the_fit()
    {
        Dataset training = FitTestData.Blobs(30, seed: 2), validation = FitTestData.Blobs(30, seed: 3);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.05f), 10, maxDegreeOfParallelism: 1);
        var recorder = new FitRecorder(network);

        FitResult result = trainer.Fit(training, new FitOptions { Epochs = 6, BatchSize = 10, Validation = validation, EarlyStoppingPatience = 1, Progress = recorder });

        float[] losses = [.. result.History.Select(r => r.Validation!.Value.Loss)];
        Assert.True(losses.Zip(losses.Skip(1)).All(p => p.Second < p.First), $"The validation loss did not fall every epoch: {string.Join(", ", losses)}.");
        Assert.False(result.StoppedEarly);
        Assert.Equal(6, result.History.Count);
        Assert.Equal(6, result.BestEpoch);
        Assert.Equal(recorder.Parameters[^1], network.Parameters.ToArray());
    }

    /// <summary>30 blobs, and the same features labelled c + 1 (mod 3): fitting one set unfits the other.</summary>
    private static (Dataset Training, Dataset Contradicting) ContradictoryValidation()
    {
        Dataset training = FitTestData.Blobs(30, seed: 2);
        int[] shifted = [.. training.Labels.ToArray().Select(label => (label + 1) % FitTestData.Classes)];
        return (training, Dataset.ForClassification(training.Features.ToArray(), FitTestData.Features, shifted, FitTestData.Classes));
    }
}
