// FitEvaluateTests: the metrics of Trainer.Evaluate and of Fit's reports against a hand computation in
// double from Network.Predict's outputs, over sets larger than MaxBatch (so Evaluate runs in batches,
// the last one partial):
//   classification, CrossEntropy:  loss = −(1/N) Σ ln y[label];  accuracy = #(argmax y = label) / N;  MAE NaN
//   regression, MeanSquaredError:  loss = (1/(N·n)) Σ (y − t)²;  MAE = (1/(N·n)) Σ |y − t|;  accuracy NaN
//   regression, SumSquaredError:   loss = (1/N) Σ ‖y − t‖²
// and the training metrics of a full-batch, unshuffled 1-epoch fit are those of the parameters before it
// (each batch is measured before its update).
namespace FastMlp.Tests.Training;

public sealed class FitEvaluateTests
{
    private const int MaxBatch = 7;

    [Fact]
    public void Classification_metrics_match_a_hand_computation()
    {
        Dataset data = FitTestData.Blobs(45, seed: 3);
        Network network = FitTestData.Classifier(seed: 4);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), MaxBatch, maxDegreeOfParallelism: 1);
        trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 5 }); // part-trained, so neither all right nor all wrong

        float[] y = PredictAll(network, data);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> row = y.AsSpan(i * FitTestData.Classes, FitTestData.Classes);
            loss -= Math.Log(row[data.Labels[i]]);
            correct += IndexOfMax(row) == data.Labels[i] ? 1 : 0;
        }

        EpochMetrics metrics = trainer.Evaluate(data);
        Assert.Equal(loss / data.Count, metrics.Loss, 1e-5);
        Assert.Equal((double)correct / data.Count, metrics.Accuracy, 1e-6);
        Assert.InRange(correct, 1, data.Count - 1);
        Assert.True(float.IsNaN(metrics.MeanAbsoluteError));
    }

    [Theory]
    [InlineData(Loss.MeanSquaredError)]
    [InlineData(Loss.SumSquaredError)]
    public void Regression_metrics_match_a_hand_computation(Loss loss)
    {
        Dataset data = FitTestData.Regression(45, seed: 3);
        Network network = FitTestData.Regressor(seed: 4);
        using var trainer = new Trainer(network, loss, new Sgd(0.05f), MaxBatch, maxDegreeOfParallelism: 1);

        float[] y = PredictAll(network, data);
        double squared = 0, absolute = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double d = (double)y[i] - data.Targets[i];
            squared += d * d;
            absolute += Math.Abs(d);
        }

        EpochMetrics metrics = trainer.Evaluate(data);
        double expectedLoss = loss == Loss.MeanSquaredError ? squared / y.Length : squared / data.Count;
        Assert.Equal(expectedLoss, metrics.Loss, expectedLoss * 1e-5);
        Assert.Equal(absolute / y.Length, metrics.MeanAbsoluteError, 1e-6);
        Assert.True(float.IsNaN(metrics.Accuracy));
    }

    [Fact]
    public void Fit_reports_MAE_and_NaN_accuracy_for_regression_and_the_reverse_for_classification()
    {
        using var regression = new Trainer(FitTestData.Regressor(), Loss.MeanSquaredError, new Sgd(0.05f), MaxBatch, 1);
        FitResult r = regression.Fit(FitTestData.Regression(30, seed: 1), new FitOptions { Epochs = 2, BatchSize = 5, ValidationSplit = 0.2 });
        Assert.All(r.History, e =>
        {
            Assert.True(float.IsNaN(e.Training.Accuracy) && float.IsNaN(e.Validation!.Value.Accuracy));
            Assert.True(e.Training.MeanAbsoluteError > 0 && e.Validation!.Value.MeanAbsoluteError > 0);
        });

        using var classification = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(0.05f), MaxBatch, 1);
        FitResult c = classification.Fit(FitTestData.Blobs(30, seed: 1), new FitOptions { Epochs = 2, BatchSize = 5, ValidationSplit = 0.2 });
        Assert.All(c.History, e =>
        {
            Assert.True(float.IsNaN(e.Training.MeanAbsoluteError) && float.IsNaN(e.Validation!.Value.MeanAbsoluteError));
            Assert.InRange(e.Training.Accuracy, 0f, 1f);
            Assert.InRange(e.Validation!.Value.Accuracy, 0f, 1f);
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_full_batch_epoch_reports_the_metrics_before_its_update(bool classification)
    {
        Dataset data = classification ? FitTestData.Blobs(20, seed: 3) : FitTestData.Regression(20, seed: 3);
        Network network = classification ? FitTestData.Classifier() : FitTestData.Regressor();
        using var trainer = new Trainer(network, classification ? Loss.CrossEntropy : Loss.MeanSquaredError, new Sgd(0.1f), 20, maxDegreeOfParallelism: 1);
        EpochMetrics before = trainer.Evaluate(data);

        FitResult result = trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 20, Shuffle = false });

        EpochMetrics reported = result.History[0].Training;
        Assert.Equal(before.Loss, reported.Loss, 1e-6f);
        Assert.Equal(before.Accuracy, reported.Accuracy);
        Assert.Equal(before.MeanAbsoluteError, reported.MeanAbsoluteError, 1e-6f);
        Assert.NotEqual(before, trainer.Evaluate(data));
    }

    private static float[] PredictAll(Network network, Dataset data)
    {
        using Workspace workspace = network.CreateWorkspace(data.Count, 1);
        float[] outputs = new float[data.Count * network.OutputSize];
        network.Predict(data.Features, outputs, workspace);
        return outputs;
    }

    private static int IndexOfMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            best = row[j] > row[best] ? j : best;
        }

        return best;
    }
}
