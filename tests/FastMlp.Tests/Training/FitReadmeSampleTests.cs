// FitReadmeSampleTests: README.md's library usage sample is this test's code between the "README
// sample" markers, so it compiles and runs; a second test checks that README.md holds exactly that code
// (dedented), so the two cannot drift apart.
using System.Runtime.CompilerServices;

namespace FastMlp.Tests.Training;

public sealed class FitReadmeSampleTests
{
    private const string Begin = "// README sample begin";
    private const string End = "// README sample end";

    [Fact]
    public void The_readme_sample_trains_evaluates_and_predicts()
    {
        // README sample begin
        (Dataset train, Dataset test) = MnistSubset.Load(); // the bundled digits: 8,000 to train on, 2,000 to test

        Network network = Network.Create([784, 128, 10], Activation.Relu, Activation.Softmax, seed: 0);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), maxBatch: 32, maxDegreeOfParallelism: 1);
        FitResult fit = trainer.Fit(train, new FitOptions
        {
            Epochs = 5,
            BatchSize = 32,
            Seed = 0,                                 // seed of the per-epoch reshuffle
            ValidationSplit = 0.1,                    // hold out the last 800 training digits
            LearningRateSchedule = new StepDecay(stepEpochs: 2, factor: 0.5f),
            EarlyStoppingPatience = 2,                // stop when validation loss stalls; keep the best weights
        });
        foreach (EpochReport r in fit.History)
        {
            Console.WriteLine($"epoch {r.Epoch}: loss {r.Training.Loss:F3}, validation accuracy {r.Validation?.Accuracy:P1}");
        }

        EpochMetrics metrics = trainer.Evaluate(test);
        Console.WriteLine($"test loss {metrics.Loss:F3}, accuracy {metrics.Accuracy:P1}");

        using Workspace workspace = network.CreateWorkspace(maxBatch: 1);
        ReadOnlySpan<float> image = test.Features[..784];      // the first test digit
        float[] probabilities = new float[10];
        network.Predict(image, probabilities, workspace);       // softmax output: P(digit = 0..9)
        int[] digit = new int[1];
        network.PredictClasses(image, digit, workspace);        // the most probable digit
        Console.WriteLine($"first test digit: {digit[0]} (label {test.Labels[0]}, p = {probabilities[digit[0]]:F3})");
        // README sample end

        Assert.InRange(fit.History.Count, 3, 5);
        Assert.True(metrics.Accuracy >= 0.9f, $"test accuracy {metrics.Accuracy}");
        Assert.Equal(probabilities.AsSpan().IndexOf(probabilities.Max()), digit[0]);
        Assert.Equal(1f, probabilities.Sum(), 1e-5f);
        Assert.Equal(metrics.Accuracy, network.Accuracy(test, workspace));
    }

    [Fact]
    public void The_readme_holds_the_sample_verbatim()
    {
        string[] source = File.ReadAllLines(ThisFile());
        int begin = Array.FindIndex(source, line => line.Trim() == Begin), end = Array.FindIndex(source, line => line.Trim() == End);
        int indent = source[begin].IndexOf('/', StringComparison.Ordinal);
        string sample = string.Join('\n', source[(begin + 1)..end].Select(line => line.Length > indent ? line[indent..] : line.TrimStart()));

        string readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "..", "README.md")).ReplaceLineEndings("\n");
        Assert.True(readme.Contains(sample, StringComparison.Ordinal), $"README.md does not hold this sample verbatim:\n{sample}");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
