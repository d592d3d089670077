// FitPredictionTests: the prediction helpers a fitted network is used through.
//   - PredictClasses writes the argmax of each Predict row (the first index on a tie) for every batch
//     size up to the workspace's maximum, and nothing past the batch.
//   - Accuracy over a set larger than the workspace (and larger than its 256-row chunk) equals the hand
//     count from PredictClasses and Evaluate's accuracy; NaN for an empty set.
//   - Validation: classes too short, inputs not a whole batch or over the workspace; Accuracy of a
//     regression set, of the wrong shape, or with null arguments; nothing is written on a throw.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class FitPredictionTests
{
    private readonly Network _network = FitTestData.Classifier(seed: 4);

    [Fact]
    public void PredictClasses_is_the_argmax_of_Predict_at_every_batch_size()
    {
        Dataset data = FitTestData.Blobs(9, seed: 3);
        using Workspace workspace = _network.CreateWorkspace(9, 1);
        float[] outputs = new float[9 * FitTestData.Classes];
        _network.Predict(data.Features, outputs, workspace);
        for (int batch = 0; batch <= 9; batch++)
        {
            int[] classes = Enumerable.Repeat(-7, 10).ToArray();
            _network.PredictClasses(data.Features[..(batch * FitTestData.Features)], classes, workspace);
            for (int r = 0; r < batch; r++)
            {
                ReadOnlySpan<float> row = outputs.AsSpan(r * FitTestData.Classes, FitTestData.Classes);
                int expected = row.IndexOf(MaxOf(row));
                Assert.Equal(expected, classes[r]);
            }

            Assert.All(classes[batch..], c => Assert.Equal(-7, c));
        }
    }

    [Fact]
    public void PredictClasses_takes_the_first_of_tied_outputs()
    {
        // All weights and biases 0: every softmax output is 1/3, so every class is tied.
        Network network = FitTestData.Classifier();
        network.Parameters.Clear();
        using Workspace workspace = network.CreateWorkspace(2, 1);
        int[] classes = [5, 5];
        network.PredictClasses(new float[2 * FitTestData.Features], classes, workspace);
        Assert.Equal([0, 0], classes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(600)]
    public void Accuracy_is_the_fraction_of_predicted_labels(int maxBatch)
    {
        Dataset data = FitTestData.Blobs(600, seed: 5);
        Network network = FitTestData.Classifier(seed: 4);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 10, maxDegreeOfParallelism: 1);
        trainer.Fit(data.Slice(0, 30), new FitOptions { Epochs = 1, BatchSize = 10 });
        using Workspace workspace = network.CreateWorkspace(maxBatch, 1);
        using Workspace whole = network.CreateWorkspace(600, 1);

        int[] classes = new int[600];
        network.PredictClasses(data.Features, classes, whole);
        int correct = classes.Where((c, i) => c == data.Labels[i]).Count();

        float accuracy = network.Accuracy(data, workspace);
        Assert.Equal((float)correct / 600, accuracy);
        Assert.InRange(correct, 1, 599);
        Assert.Equal(trainer.Evaluate(data).Accuracy, accuracy);
    }

    [Fact]
    public void Accuracy_of_an_empty_set_is_NaN()
    {
        using Workspace workspace = _network.CreateWorkspace(4, 1);
        Dataset empty = Dataset.ForClassification([], FitTestData.Features, [], FitTestData.Classes);
        Assert.True(float.IsNaN(_network.Accuracy(empty, workspace)));
    }

    [Fact]
    public void PredictClasses_rejects_bad_sizes_and_writes_nothing()
    {
        using Workspace workspace = _network.CreateWorkspace(3, 1);
        int[] classes = [-1, -1, -1, -1];
        ArgumentAssert.Throws<ArgumentException>("classes", () => _network.PredictClasses(new float[3 * FitTestData.Features], classes.AsSpan(0, 2), workspace), "2", "3 samples");
        ArgumentAssert.Throws<ArgumentException>("inputs", () => _network.PredictClasses(new float[(2 * FitTestData.Features) + 1], classes, workspace), "9");
        ArgumentAssert.Throws<ArgumentException>("inputs", () => _network.PredictClasses(new float[4 * FitTestData.Features], classes, workspace), "4 samples", "3");
        Assert.Throws<ArgumentNullException>("workspace", () => _network.PredictClasses(new float[FitTestData.Features], classes, null!));
        Assert.All(classes, c => Assert.Equal(-1, c));
    }

    [Fact]
    public void Accuracy_rejects_a_regression_set_a_wrong_shape_and_nulls()
    {
        using Workspace workspace = _network.CreateWorkspace(4, 1);
        Dataset regression = new(new float[6 * FitTestData.Features], FitTestData.Features, new float[6 * FitTestData.Classes], FitTestData.Classes);
        Dataset fiveFeatures = Dataset.ForClassification(new float[6 * 5], 5, new int[6], FitTestData.Classes);

        ArgumentAssert.Throws<ArgumentException>("data", () => _network.Accuracy(regression, workspace), "classification", "regression");
        ArgumentAssert.Throws<ArgumentException>("data", () => _network.Accuracy(fiveFeatures, workspace), "4 features", "5 features");
        Assert.Throws<ArgumentNullException>("data", () => _network.Accuracy(null!, workspace));
        Assert.Throws<ArgumentNullException>("workspace", () => _network.Accuracy(FitTestData.Blobs(3, seed: 1), null!));
    }

    private static float MaxOf(ReadOnlySpan<float> row)
    {
        float max = row[0];
        foreach (float v in row)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
