// Int8AccuracyTests: the issue's accuracy criterion on the bundled digits: an Int8 predictor's test accuracy is
// within 0.5 point of the Float32 predictor's on the same trained network, for the W5 network (784-128-10 ReLU /
// softmax, cross-entropy, SGD 0.1, batch 32, seed 0, 3 epochs as FitMnistTests) and a 784-256-128-10 one (5 epochs).
// The figures (both accuracies, the max and mean |Int8 − Float32| over every output) go to the test output.
using Xunit.Abstractions;

namespace FastMlp.Tests.Inference;

public sealed class Int8AccuracyTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(new[] { 784, 128, 10 }, 3)]
    [InlineData(new[] { 784, 256, 128, 10 }, 5)]
    public void Int8_test_accuracy_is_within_half_a_point_of_Float32_on_the_bundled_digits(int[] sizes, int epochs)
    {
        (Dataset train, Dataset test) = MnistSubset.Load();
        Network network = Network.Create(sizes, Activation.Relu, Activation.Softmax, seed: 0);
        using (var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), maxBatch: 32, maxDegreeOfParallelism: 1))
        {
            trainer.Fit(train, new FitOptions { Epochs = epochs, BatchSize = 32, Seed = 0 });
        }

        using var float32 = Predictor.Create(network, new PredictorOptions { MaxBatch = test.Count, MaxDegreeOfParallelism = 1 });
        using var int8 = Predictor.Create(network, new PredictorOptions { MaxBatch = test.Count, Precision = PredictorPrecision.Int8 });
        float[] want = new float[test.Count * 10], got = new float[want.Length];
        float32.Predict(test.Features, want);
        int8.Predict(test.Features, got);
        double largest = 0, sum = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double error = Math.Abs(got[i] - (double)want[i]);
            largest = Math.Max(largest, error);
            sum += error;
        }

        double accuracy32 = Accuracy(want, test), accuracy8 = Accuracy(got, test);
        output.WriteLine($"[{string.Join("-", sizes)}] {epochs} epochs: Float32 {accuracy32:P2}, Int8 {accuracy8:P2}; |Int8 - Float32| max {largest:G3}, mean {sum / want.Length:G3}");
        Assert.True(accuracy8 >= accuracy32 - 0.005, $"Int8 test accuracy {accuracy8:P2}, Float32 {accuracy32:P2}");
    }

    private static double Accuracy(float[] outputs, Dataset test)
    {
        int correct = 0;
        for (int r = 0; r < test.Count; r++)
        {
            correct += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(outputs.AsSpan(r * 10, 10)) == test.Labels[r] ? 1 : 0;
        }

        return (double)correct / test.Count;
    }
}
