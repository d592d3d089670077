using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// Issue 16's accuracy on real data: two models trained on the bundled MNIST digits (8,000 train, 2,000 test) with
/// fixed seeds, each answered by a <see cref="Predictor"/> per <see cref="PredictorPrecision"/>. Per model and
/// precision it prints the test accuracy, its difference to Float32's in points, and the max and mean
/// |output − Float32 output| over the 2,000 test digits × 10 probabilities (the Float32 Predictor's outputs are
/// Network.Predict's bits), plus how many digits change their predicted class.
/// <list type="bullet">
/// <item>W5: 784-128-10 ReLU/softmax-CE by <see cref="Trainer.Fit"/>, SGD lr 0.1, batch 32, 10 epochs, seed 0
/// (WORKLOADS.md W5, as <see cref="MnistHarness"/>).</item>
/// <item>W3-shaped, to convergence: 784-256-128-10, the same optimizer and batch, with the last 10% of the training
/// digits held out for validation (FitOptions.ValidationSplit) and early stopping once the validation accuracy has not
/// risen for --patience epochs, ending with the best epoch's weights (at most --max-epochs).</item>
/// </list>
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Benchmarks -- precision-accuracy [--patience 10] [--max-epochs 100] [--out FILE]
/// </code>
/// perf/FastMlp.Peers links this file and runs it as its own <c>precision-accuracy</c> command with ONNX Runtime's
/// int8 graph as further rows (<see cref="PeerOutputs"/>); this project stays native-free.
/// </summary>
internal static class PrecisionAccuracyHarness
{
    public const string Command = "precision-accuracy";

    private const int BatchSize = 32;
    private const float LearningRate = 0.1f;
    private const int Seed = 0;

    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Benchmarks (or perf/FastMlp.Peers) -- precision-accuracy [--patience 10] [--max-epochs 100] [--out FILE]\n" +
        "  --patience    epochs without a higher validation accuracy before the 784-256-128-10 fit stops (default 10)\n" +
        "  --max-epochs  the most epochs that fit may run (default 100)\n" +
        "  --out         also write the markdown report to this file";

    /// <summary>Runs the harness with the arguments after <c>precision-accuracy</c>; returns the process exit code.</summary>
    public static int Run(string[] args) => Run(args, []);

    /// <summary>The same, with <paramref name="peers"/> as rows after FastMlp's precisions.</summary>
    public static int Run(string[] args, IReadOnlyList<PeerOutputs> peers)
    {
        var options = new Options();
        if (!HarnessArguments.TryApply(args, Usage, Options.Names, options.Apply, out int exitCode))
        {
            return exitCode;
        }

        HarnessReport.WarnIfDebugBuild();
        string directory = MnistSubset.FindDirectory() ?? throw new DirectoryNotFoundException($"No {MnistSubset.RelativeDirectory} above {AppContext.BaseDirectory} or the current directory.");
        (Dataset train, Dataset test) = MnistSubset.Load(directory);

        Console.Error.WriteLine("W5 model: 784-128-10, 10 epochs...");
        Model w5 = TrainW5(train);
        Console.Error.WriteLine($"784-256-128-10 to convergence (patience {options.Patience}, at most {options.MaxEpochs} epochs)...");
        Model converged = TrainToConvergence(train, options.Patience, options.MaxEpochs);

        var text = new StringBuilder();
        foreach (Model model in new[] { w5, converged })
        {
            Append(text, model, test, peers);
        }

        AppendMethod(text, train.Count, test.Count, args);
        HarnessReport.Publish(text.ToString(), options.OutputPath);
        return 0;
    }

    private static Model TrainW5(Dataset train)
    {
        Network network = Network.Create([784, 128, 10], Activation.Relu, Activation.Softmax, Seed);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(LearningRate), BatchSize, maxDegreeOfParallelism: 1);
        FitResult result = trainer.Fit(train, new FitOptions { Epochs = 10, BatchSize = BatchSize, Seed = Seed });
        return new Model("W5: 784-128-10, 10 epochs", network, string.Create(CultureInfo.InvariantCulture, $"Trained 10 epochs; last epoch's training loss {result.History[^1].Training.Loss:F4}."));
    }

    /// <summary>
    /// One epoch per Fit (a warm start on the same trainer, reshuffled from seed + epoch), each followed by the
    /// validation accuracy on the held-out tenth; stops once it has not risen for <paramref name="patience"/> epochs
    /// and ends with the weights of its best epoch. Accuracy, not FitOptions' early stopping on the validation loss:
    /// the loss bottoms out at epoch 5 here while the accuracy still climbs for several epochs (the network grows
    /// more confident on the digits it gets wrong).
    /// </summary>
    private static Model TrainToConvergence(Dataset train, int patience, int maxEpochs)
    {
        Network network = Network.Create([784, 256, 128, 10], Activation.Relu, Activation.Softmax, Seed);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(LearningRate), BatchSize, maxDegreeOfParallelism: 1);
        float[] best = network.Parameters.ToArray();
        float bestAccuracy = float.NegativeInfinity;
        int bestEpoch = 0, epoch = 0;
        var history = new List<float>();
        while (epoch < maxEpochs && epoch - bestEpoch < patience)
        {
            epoch++;
            FitResult result = trainer.Fit(train, new FitOptions { Epochs = 1, BatchSize = BatchSize, Seed = Seed + epoch, ValidationSplit = 0.1 });
            float accuracy = result.History[0].Validation!.Value.Accuracy;
            history.Add(accuracy);
            if (accuracy > bestAccuracy)
            {
                (bestAccuracy, bestEpoch) = (accuracy, epoch);
                network.Parameters.CopyTo(best);
            }
        }

        best.CopyTo(network.Parameters);
        CultureInfo c = CultureInfo.InvariantCulture;
        string description = string.Create(c,
            $"Trained {epoch} epochs on the first 7,200 training digits; the validation accuracy (the last 800) did not rise for the last {epoch - bestEpoch}, so the weights are epoch {bestEpoch}'s ({bestAccuracy * 100:F2}% on validation). ") +
            $"Validation accuracy per epoch: {string.Join(", ", history.Select(a => string.Create(c, $"{a * 100:F2}%")))}.";
        return new Model("784-256-128-10 to convergence", network, description);
    }

    /// <summary>One table: the model's test digits through a Predictor per precision, each compared with Float32's outputs.</summary>
    private static void Append(StringBuilder text, Model model, Dataset test, IReadOnlyList<PeerOutputs> peers)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        float[] reference = Outputs(model.Network, test, PredictorPrecision.Float32);
        double referenceAccuracy = Accuracy(reference, test);
        int[] referenceClasses = Classes(reference);

        text.AppendLine(c, $"## {model.Name}");
        text.AppendLine();
        text.AppendLine(model.Description);
        text.AppendLine();
        text.AppendLine("| system | test accuracy | Δ vs Float32 (points) | max \\|output − Float32\\| | mean \\|output − Float32\\| | digits whose class changes |");
        text.AppendLine("|---|---|---|---|---|---|");
        IEnumerable<(string Name, float[] Outputs)> rows = Enum.GetValues<PredictorPrecision>()
            .Select(p => ($"Predictor {p}", p == PredictorPrecision.Float32 ? reference : Outputs(model.Network, test, p)))
            .Concat(peers.Select(p => (p.Name, p.Outputs(model.Network, test))));
        foreach ((string name, float[] outputs) in rows)
        {
            double accuracy = Accuracy(outputs, test);
            (double max, double mean) = Difference(outputs, reference);
            int changed = Classes(outputs).Zip(referenceClasses).Count(p => p.First != p.Second);
            text.AppendLine(c, $"| {name} | {accuracy * 100:F2}% | {(accuracy - referenceAccuracy) * 100:+0.00;-0.00;0.00} | {max:G3} | {mean:G3} | {changed} |");
        }

        text.AppendLine();
    }

    /// <summary>The test digits' probabilities [count, 10] from a Predictor of the network at one precision, one call.</summary>
    private static float[] Outputs(Network network, Dataset test, PredictorPrecision precision)
    {
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = test.Count, MaxDegreeOfParallelism = 1, Precision = precision });
        var outputs = new float[test.Count * network.OutputSize];
        predictor.Predict(test.Features, outputs);
        return outputs;
    }

    /// <summary>Each row's argmax (the first on a tie, as Network.PredictClasses).</summary>
    private static int[] Classes(float[] outputs) =>
        [.. Enumerable.Range(0, outputs.Length / MnistSubset.ClassCount)
            .Select(r => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(outputs.AsSpan(r * MnistSubset.ClassCount, MnistSubset.ClassCount)))];

    private static double Accuracy(float[] outputs, Dataset test)
    {
        int[] classes = Classes(outputs);
        int correct = 0;
        for (int r = 0; r < classes.Length; r++)
        {
            correct += classes[r] == test.Labels[r] ? 1 : 0;
        }

        return (double)correct / classes.Length;
    }

    private static (double Max, double Mean) Difference(float[] outputs, float[] reference)
    {
        double max = 0, sum = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            double d = Math.Abs((double)outputs[i] - reference[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, sum / outputs.Length);
    }

    private static void AppendMethod(StringBuilder text, int trainCount, int testCount, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Both models: Network.Create(seed {Seed}), ReLU hidden layers, Softmax output, cross-entropy, SGD lr {LearningRate}, batch {BatchSize},");
        text.AppendLine(c, $"Trainer.Fit on 1 thread (W5 over the {trainCount:N0} training digits, reshuffled every epoch from seed {Seed}; the other as above). Each precision:");
        text.AppendLine(c, $"Predictor.Create(network, Precision) then one Predict over the {testCount:N0} test digits; the differences are over");
        text.AppendLine(c, $"all {testCount:N0} × 10 probabilities against the Float32 Predictor's. Issue 16's bounds: BFloat16 within 0.1 point of");
        text.AppendLine("Float32's test accuracy, Int8 within 0.5 point.");
        text.AppendLine();
        HarnessReport.AppendEnvironment(text, runtimeDetail: "", Command, args);
    }

    private sealed class Options
    {
        public static readonly string[] Names = ["--patience", "--max-epochs", "--out"];

        public int Patience { get; private set; } = 10;

        public int MaxEpochs { get; private set; } = 100;

        public string? OutputPath { get; private set; }

        /// <summary>Takes the value of one of <see cref="Names"/>; returns the error for a bad one.</summary>
        public string? Apply(string name, string value)
        {
            if (name == "--out")
            {
                OutputPath = value;
                return null;
            }

            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 1)
            {
                return $"{name} takes a count >= 1; got '{value}'.";
            }

            (Patience, MaxEpochs) = name == "--patience" ? (count, MaxEpochs) : (Patience, count);
            return null;
        }
    }

    private sealed record Model(string Name, Network Network, string Description);
}

/// <summary>A system beside FastMlp's Predictors in <see cref="PrecisionAccuracyHarness"/>'s tables: its row name and its probabilities [count, 10] for a network and the test digits.</summary>
internal sealed record PeerOutputs(string Name, Func<Network, Dataset, float[]> Outputs);
