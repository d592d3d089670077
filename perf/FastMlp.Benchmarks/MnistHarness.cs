using System.Diagnostics;
using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W5 real data, outside BenchmarkDotNet (one measurement is a whole 10-epoch training run): on the bundled
/// MNIST digits (8,000 train, 2,000 test), per seed, train 784-128-10 ReLU/softmax with cross-entropy by
/// <see cref="Trainer.Fit"/> (SGD lr 0.1, batch 32, 10 epochs, reshuffled every epoch from the seed, which
/// also seeds the initial weights) on 1 thread, and time the fit: shuffling, batch gathering, the steps and
/// the running training metrics, but not loading the data or the test evaluation afterwards. Prints each
/// seed's wall time and test accuracy, and the means, as a markdown table.
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Benchmarks -- mnist [--seeds 0-4] [--warmup-epochs 5] [--out FILE]
/// </code>
/// </summary>
internal static class MnistHarness
{
    public const string Command = "mnist";

    private const int Epochs = 10;
    private const int BatchSize = 32;
    private const float LearningRate = 0.1f;
    private static readonly int[] Layers = [784, 128, 10];

    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Benchmarks -- mnist [--seeds 0-4] [--warmup-epochs 5] [--out FILE]\n" +
        "  --seeds          seeds to run, a range (0-4) or a comma-separated list (0,3,7); one row each (default 0-4)\n" +
        "  --warmup-epochs  untimed epochs on a separate network first, so the timed runs use optimized code;\n" +
        "                   0 times a cold start (default 5)\n" +
        "  --out            also write the markdown report to this file";

    /// <summary>Runs the harness with the arguments after <c>mnist</c>; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var options = new Options();
        if (!HarnessArguments.TryApply(args, Usage, Options.Names, options.Apply, out int exitCode))
        {
            return exitCode;
        }

        HarnessReport.WarnIfDebugBuild();
        string directory = MnistSubset.FindDirectory() ?? throw new DirectoryNotFoundException($"No {MnistSubset.RelativeDirectory} above {AppContext.BaseDirectory} or the current directory.");
        (Dataset train, Dataset test) = MnistSubset.Load(directory);
        if (options.WarmupEpochs > 0)
        {
            Console.Error.WriteLine($"warm-up: {options.WarmupEpochs} untimed epoch(s)...");
            Train(train, seed: -1, options.WarmupEpochs);
        }

        var rows = new List<Row>();
        foreach (int seed in options.Seeds)
        {
            Console.Error.WriteLine($"seed {seed}: {Epochs} epochs...");
            rows.Add(Measure(train, test, seed));
        }

        HarnessReport.Publish(Format(rows, train.Count, test.Count, options.WarmupEpochs, args), options.OutputPath);
        return 0;
    }

    private static Row Measure(Dataset train, Dataset test, int seed)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        TimedFit fit = Train(train, seed, Epochs);
        using Workspace workspace = fit.Network.CreateWorkspace(maxBatch: 256, maxDegreeOfParallelism: 1);
        float accuracy = fit.Network.Accuracy(test, workspace);
        return new Row(seed, fit.Seconds, (double)train.Count * Epochs / fit.Seconds, accuracy, fit.Result.History[^1].Training.Loss, fit.AllocatedBytes, fit.Gen0Collections);
    }

    /// <summary>Creates the network and trainer (untimed), then times the fit alone and counts what it allocates.</summary>
    private static TimedFit Train(Dataset train, int seed, int epochs)
    {
        Network network = Network.Create(Layers, Activation.Relu, Activation.Softmax, seed);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(LearningRate), BatchSize, maxDegreeOfParallelism: 1);
        var options = new FitOptions { Epochs = epochs, BatchSize = BatchSize, Seed = seed };
        int gen0Before = GC.CollectionCount(0);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        FitResult result = trainer.Fit(train, options);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new TimedFit(network, result, seconds, allocated, GC.CollectionCount(0) - gen0Before);
    }

    private static string Format(List<Row> rows, int trainCount, int testCount, int warmupEpochs, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        double[] sorted = [.. rows.Select(r => r.Seconds).Order()];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        var text = new StringBuilder();
        text.AppendLine(c, $"## W5 MNIST: 784-128-10 ReLU/softmax-CE, SGD lr 0.1, batch 32, {Epochs} epochs, 1 thread");
        text.AppendLine();
        text.AppendLine("| seed | wall s (10 epochs) | samples/s | test accuracy | last epoch's training loss | allocated during the fit | gen-0 GCs |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            text.AppendLine(c, $"| {r.Seed} | {r.Seconds:F3} | {r.SamplesPerSecond:N0} | {r.Accuracy * 100:F2}% | {r.Loss:F4} | {r.AllocatedBytes / 1024.0:N1} KiB | {r.Gen0Collections} |");
        }

        text.AppendLine(c, $"| **mean** | **{rows.Average(r => r.Seconds):F3}** (median {median:F3}) | {rows.Average(r => r.SamplesPerSecond):N0} | **{rows.Average(r => r.Accuracy) * 100:F2}%** | | | |");
        text.AppendLine();
        text.AppendLine(c, $"Target (WORKLOADS.md W5): ≤ 0.35 s for the {Epochs} epochs and ≥ 93.0% test accuracy, mean over seeds 0-4.");
        text.AppendLine();
        text.AppendLine(c, $"Per seed: Network.Create(seed), then Trainer.Fit over the {trainCount:N0} training digits (Seed = seed) timed");
        text.AppendLine("with Stopwatch around the call: the per-epoch reshuffle, batch gathering, forward, backward, SGD update");
        text.AppendLine(c, $"and running training metrics. Not timed: loading, creating the network, the test evaluation ({testCount:N0}");
        text.AppendLine("digits, Network.Accuracy afterwards). Allocated = GC.GetAllocatedBytesForCurrentThread over the Fit call");
        text.AppendLine("alone (the buffers Fit allocates once: sample order, batch inputs and targets, history; the steps allocate");
        text.AppendLine(c, $"nothing). Warm-up before the seeds: {(warmupEpochs == 0 ? "none (a cold start: seed 0 includes JIT compilation)" : $"{warmupEpochs} untimed epochs on a separate network, so tiered compilation has optimized the loop")}.");
        text.AppendLine();
        HarnessReport.AppendEnvironment(text, runtimeDetail: "", Command, args);
        return text.ToString();
    }

    /// <summary>"0-4" → 0, 1, 2, 3, 4; "0,3,7" → 0, 3, 7; null when malformed or empty.</summary>
    private static int[]? ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (string part in text.Split(','))
        {
            int dash = part.IndexOf('-', 1 < part.Length ? 1 : 0);
            if (dash > 0
                && int.TryParse(part.AsSpan(0, dash), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int first)
                && int.TryParse(part.AsSpan(dash + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int last)
                && first <= last && last - first < 1000)
            {
                seeds.AddRange(Enumerable.Range(first, last - first + 1));
            }
            else if (int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed))
            {
                seeds.Add(seed);
            }
            else
            {
                return null;
            }
        }

        return seeds.Count == 0 ? null : [.. seeds];
    }

    private sealed class Options
    {
        public static readonly string[] Names = ["--seeds", "--warmup-epochs", "--out"];

        public int[] Seeds { get; private set; } = [0, 1, 2, 3, 4];

        public int WarmupEpochs { get; private set; } = 5;

        public string? OutputPath { get; private set; }

        /// <summary>Takes the value of one of <see cref="Names"/>; returns the error for a bad one.</summary>
        public string? Apply(string name, string value)
        {
            switch (name)
            {
                case "--seeds":
                    int[]? seeds = ParseSeeds(value);
                    if (seeds is null)
                    {
                        return $"--seeds takes a range like 0-4 or a list like 0,3,7; got '{value}'.";
                    }

                    Seeds = seeds;
                    return null;
                case "--warmup-epochs":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int warmup) || warmup < 0)
                    {
                        return $"--warmup-epochs takes a count >= 0; got '{value}'.";
                    }

                    WarmupEpochs = warmup;
                    return null;
                default:
                    OutputPath = value;
                    return null;
            }
        }
    }

    private sealed record TimedFit(Network Network, FitResult Result, double Seconds, long AllocatedBytes, int Gen0Collections);

    private sealed record Row(int Seed, double Seconds, double SamplesPerSecond, float Accuracy, float Loss, long AllocatedBytes, int Gen0Collections);
}
