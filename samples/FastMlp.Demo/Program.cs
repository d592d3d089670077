// The FastMlp demo: train a multi-layer perceptron on MNIST digits from one command.
//   dotnet run -c Release --project samples/FastMlp.Demo [-- --help]
// Loads the bundled 8,000/2,000 digits (or --data DIR), trains 784-128-10 ReLU/softmax with cross-entropy
// (SGD lr 0.1, batch 32, 10 epochs, seed 0 unless the options say otherwise) through Trainer.Fit with a
// progress line per epoch, then prints the test accuracy (with --loss bce also the multi-label figures: label
// accuracy, exact match and per class), the wall time of the training and the confusion matrix.
// Options: Options.cs; the per-epoch line: ProgressLine.cs; the matrix: ConfusionMatrix.cs.
using System.Diagnostics;
using System.Globalization;

using FastMlp;
using FastMlp.Demo;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (!Options.TryParse(args, out Options options, out string? error))
{
    Console.Error.WriteLine($"error: {error} (see --help)");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(Options.Help);
    return 0;
}

string? directory = options.DataDirectory ?? MnistSubset.FindDirectory();
if (directory is null)
{
    Console.Error.WriteLine($"error: no {MnistSubset.RelativeDirectory} folder above {AppContext.BaseDirectory} or the current directory; pass --data DIR");
    return 1;
}

Dataset train, test;
long loadStart = Stopwatch.GetTimestamp();
try
{
    (train, test) = MnistSubset.Load(directory);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

string shown = Path.GetRelativePath(Environment.CurrentDirectory, directory);
Console.WriteLine($"Data: {train.Count:N0} training and {test.Count:N0} test images from {(shown.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(directory) : shown)} ({Stopwatch.GetElapsedTime(loadStart).TotalSeconds:F2} s to load)");
if (options.Layers[0] != train.FeatureCount || options.Layers[^1] != train.TargetCount)
{
    Console.Error.WriteLine($"error: --layers {string.Join(',', options.Layers)} must start with the {train.FeatureCount} pixels of an image and end with the {train.TargetCount} classes (see --help)");
    return 2;
}

IReadOnlyList<Activation> hidden = options.HiddenActivations ?? [.. Enumerable.Repeat(options.Activation, options.Layers.Count - 2)];
if (hidden.Count != options.Layers.Count - 2)
{
    Console.Error.WriteLine($"error: --activations has {hidden.Count} entries; --layers {string.Join(',', options.Layers)} has {options.Layers.Count - 2} hidden layers (see --help)");
    return 2;
}

IReadOnlyList<float> dropout = options.Dropout.Count == 1 ? [.. Enumerable.Repeat(options.Dropout[0], options.Layers.Count - 2)] : options.Dropout;
if (options.Dropout.Count != 0 && (options.Layers.Count == 2 || dropout.Count != options.Layers.Count - 2))
{
    Console.Error.WriteLine($"error: --dropout takes one rate, or one per hidden layer, and --layers {string.Join(',', options.Layers)} has {options.Layers.Count - 2} hidden layers; got {options.Dropout.Count} rates (see --help)");
    return 2;
}

Activation output = options.Loss == Loss.BinaryCrossEntropy ? Activation.Sigmoid : Activation.Softmax;
Network network = Network.Create(options.Layers, [.. hidden, output], options.Seed);
float learningRate = options.LearningRate ?? OptimizerChoice.DefaultLearningRate(options.Optimizer);
int batchSize = Math.Min(options.BatchSize, train.Count);
int threads = options.Threads == -1 ? Environment.ProcessorCount : options.Threads;
string activations = string.Join('/', network.Activations.Select(a => a == Activation.Relu ? "ReLU" : a.ToString().ToLowerInvariant()));
string lossName = options.Loss == Loss.BinaryCrossEntropy ? "binary cross-entropy" : "cross-entropy";
string clipping = options.ClipNorm is { } c ? $", gradients clipped to norm {c.ToString(CultureInfo.InvariantCulture)}" : "";
clipping += options.ClassWeights is { } w ? $", class weights {string.Join(',', w.Select(v => v.ToString(CultureInfo.InvariantCulture)))}" : "";
string dropping = dropout.Count == 0 ? "" : $", dropout {string.Join('/', dropout.Select(r => r.ToString(CultureInfo.InvariantCulture)))}";
Console.WriteLine($"Model: {string.Join('-', options.Layers)} {activations}, {lossName}{clipping}{dropping}, {OptimizerChoice.Describe(options.Optimizer, learningRate)}, batch {batchSize}, {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")}, seed {options.Seed}, {threads} thread{(threads == 1 ? "" : "s")}");

using var trainer = new Trainer(network, options.Loss, OptimizerChoice.Create(options.Optimizer, learningRate), batchSize, options.Threads);
var progress = new ProgressLine(Console.Out, inPlace: !Console.IsOutputRedirected);
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};

FitResult result;
long fitStart = Stopwatch.GetTimestamp();
try
{
    result = trainer.Fit(train, new FitOptions { Epochs = options.Epochs, BatchSize = batchSize, Seed = options.Seed, Validation = test, Progress = progress, ClipGradientNorm = options.ClipNorm, DropoutRates = dropout, ClassWeights = options.ClassWeights }, interrupt.Token);
}
catch (OperationCanceledException)
{
    progress.Finish();
    Console.Error.WriteLine("Interrupted; the network keeps the parameters of its last whole step.");
    return 130;
}

double wall = Stopwatch.GetElapsedTime(fitStart).TotalSeconds;
progress.Finish();
double stepSeconds = result.History.Sum(r => train.Count / r.SamplesPerSecond);
var matrix = ConfusionMatrix.Of(network, test, options.Threads);

Console.WriteLine();
Console.WriteLine($"Test accuracy: {matrix.Accuracy * 100:F2}% ({matrix.Correct:N0} of {matrix.Total:N0})");
if (result.History[^1].Validation is { LabelAccuracies: { } perClass } multiLabel)
{
    Console.WriteLine($"Test multi-label figures (each sigmoid output a label at threshold 0.5): label accuracy {multiLabel.LabelAccuracy * 100:F2}%, exact match {multiLabel.ExactMatchAccuracy * 100:F2}%; per class {string.Join(' ', perClass.Select(a => $"{a * 100:F2}%"))}");
}

Console.WriteLine($"Training: {wall:F2} s wall for {result.History.Count} epoch{(result.History.Count == 1 ? "" : "s")}; {stepSeconds:F2} s of it in the training steps ({(double)train.Count * result.History.Count / stepSeconds:N0} samples/s, batch gathering included), the rest measuring the test set after each epoch");
Console.WriteLine();
Console.WriteLine("Confusion matrix of the test set (rows: true class, columns: predicted class):");
Console.Write(matrix);
return 0;
