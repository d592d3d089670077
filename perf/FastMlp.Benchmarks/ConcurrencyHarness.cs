using System.Diagnostics;
using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// Many callers on one <see cref="Predictor"/> (issue 12: "64 concurrent callers on one Predictor: results bit-identical
/// to serial calls; aggregate throughput ≥ 0.9× of what the cores give single callers"), outside BenchmarkDotNet: the
/// W3 network, 1-thread predictors, per batch size three phases of the same length, each after a warm-up:
/// <list type="bullet">
/// <item>one caller alone on its own predictor (its samples/s × the core count is the ideal);</item>
/// <item>one caller per core, each on its own predictor (what the cores give single callers);</item>
/// <item>N callers (default 64) on one shared predictor.</item>
/// </list>
/// Every caller predicts its own input (seeded per caller) and checks every answer against the serial answer for
/// that input, bit for bit; a mismatch fails the run (exit code 1). The phases rotate over rounds so that a stretch
/// of machine load falls on all of them alike; a phase's figure is its median round.
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Benchmarks -- concurrency [--callers 64] [--batches 1,64] [--round-ms 500] [--rounds 5] [--out FILE]
/// </code>
/// </summary>
internal static class ConcurrencyHarness
{
    public const string Command = "concurrency";

    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Benchmarks -- concurrency [--callers 64] [--batches 1,64] [--round-ms 500] [--rounds 5] [--out FILE]\n" +
        "  --callers   callers sharing one predictor in the last phase (default 64)\n" +
        "  --batches   samples per call, comma-separated; one table row each (default 1,64)\n" +
        "  --round-ms  length of one phase's round (default 500)\n" +
        "  --rounds    rounds per phase, rotating through the phases; the median counts (default 5)\n" +
        "  --out       also write the markdown report to this file";

    public static int Run(string[] args)
    {
        var options = new Options();
        if (!HarnessArguments.TryApply(args, Usage, Options.Names, options.Apply, out int exitCode))
        {
            return exitCode;
        }

        HarnessReport.WarnIfDebugBuild();
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        var rows = new List<Row>();
        foreach (int batch in options.Batches)
        {
            Console.Error.WriteLine($"batch {batch}: {options.Rounds} rounds of {options.RoundMilliseconds} ms per phase...");
            Row row = Measure(network, batch, options);
            if (row.Mismatches > 0)
            {
                Console.Error.WriteLine($"{row.Mismatches} concurrent answers differed from the serial ones.");
                return 1;
            }

            rows.Add(row);
        }

        HarnessReport.Publish(Format(rows, options, args), options.OutputPath);
        return 0;
    }

    private static Row Measure(Network network, int batch, Options options)
    {
        var predictorOptions = new PredictorOptions { MaxBatch = batch, MaxDegreeOfParallelism = 1 };
        int cores = Environment.ProcessorCount;
        Predictor[] own = [.. Enumerable.Range(0, cores).Select(_ => Predictor.Create(network, predictorOptions))];
        using Predictor shared = Predictor.Create(network, predictorOptions);
        try
        {
            // Phase p: its callers and the predictor each caller uses.
            Predictor[][] phases = [[own[0]], own, [.. Enumerable.Repeat(shared, options.Callers)]];
            Caller[][] callers = [.. phases.Select(p => p.Select((predictor, i) => new Caller(predictor, network, batch, seed: i)).ToArray())];
            var samplesPerSecond = new List<double>[phases.Length];
            for (int p = 0; p < phases.Length; p++)
            {
                samplesPerSecond[p] = [];
                RunRound(callers[p], Math.Max(200, options.RoundMilliseconds));   // warm-up: the shared pool grows, the JIT settles
            }

            for (int round = 0; round < options.Rounds; round++)
            {
                for (int i = 0; i < phases.Length; i++)
                {
                    int p = (round + i) % phases.Length;
                    samplesPerSecond[p].Add(RunRound(callers[p], options.RoundMilliseconds) * batch);
                }
            }

            return new Row(
                batch,
                options.Callers,
                cores,
                Median(samplesPerSecond[0]),
                Median(samplesPerSecond[1]),
                Median(samplesPerSecond[2]),
                callers.Sum(phase => phase.Sum(c => c.Mismatches)),
                callers[2].Sum(c => c.Calls),
                shared.WorkspacesCreated);
        }
        finally
        {
            foreach (Predictor predictor in own)
            {
                predictor.Dispose();
            }
        }
    }

    /// <summary>Runs every caller on its own thread for <paramref name="milliseconds"/>; returns the calls per second they made together.</summary>
    private static double RunRound(Caller[] callers, int milliseconds)
    {
        using var start = new Barrier(callers.Length + 1);
        long stopAt = 0;
        long[] calls = new long[callers.Length];
        Thread[] threads = [.. callers.Select((caller, i) => new Thread(() =>
        {
            start.SignalAndWait();
            calls[i] = caller.RunUntil(Volatile.Read(ref stopAt));
        })
        { IsBackground = true })];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        Volatile.Write(ref stopAt, Stopwatch.GetTimestamp() + (milliseconds * Stopwatch.Frequency / 1000));
        long begin = Stopwatch.GetTimestamp();
        start.SignalAndWait();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        return calls.Sum() / Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private static string Format(List<Row> rows, Options options, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("## Concurrent callers on one Predictor: W3 784-256-128-10 ReLU/Softmax, 1-thread predictors (samples/s)");
        text.AppendLine();
        text.AppendLine("| batch | 1 caller alone | × cores (ideal) | 1 caller per core, own predictors | callers on one predictor | shared / per-core | shared / ideal | answers checked bit for bit | workspaces built |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            text.AppendLine(c, $"| {r.Batch} | {r.Alone:N0} | {r.Alone * r.Cores:N0} | {r.PerCore:N0} | {r.Shared:N0} ({r.Callers} callers) | **{r.Shared / r.PerCore:F2}×** | {r.Shared / (r.Alone * r.Cores):F2}× | {r.SharedCalls:N0} calls, {r.Mismatches} mismatches | {r.Workspaces} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Per phase: {options.Rounds} rounds of {options.RoundMilliseconds} ms after one untimed round, the phases rotating round by round; the");
        text.AppendLine("median round counts. Every caller checks each answer against the serial answer for its input, bit for bit.");
        text.AppendLine(c, $"Cores: {Environment.ProcessorCount}; the callers are plain threads, so with more callers than cores the OS time-slices them.");
        text.AppendLine();
        HarnessReport.AppendEnvironment(text, string.Empty, Command, args);
        return text.ToString();
    }

    /// <summary>One calling thread's input, the serial answer for it, and what its calls found.</summary>
    private sealed class Caller
    {
        private readonly Predictor _predictor;
        private readonly float[] _input;
        private readonly float[] _expected;
        private readonly float[] _output;

        public Caller(Predictor predictor, Network network, int batch, int seed)
        {
            _predictor = predictor;
            _input = NetworkData.Inputs(batch, network.InputSize, seed);
            _expected = new float[batch * network.OutputSize];
            _output = new float[_expected.Length];
            using Workspace workspace = network.CreateWorkspace(batch, maxDegreeOfParallelism: 1);
            network.Predict(_input, _expected, workspace);
        }

        public long Calls { get; private set; }

        public long Mismatches { get; private set; }

        /// <summary>Predicts until the timestamp passes, checking every answer; returns the calls made.</summary>
        public long RunUntil(long stopAt)
        {
            long calls = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                _predictor.Predict(_input, _output);
                if (!_output.AsSpan().SequenceEqual(_expected))
                {
                    Mismatches++;
                }

                calls++;
            }

            Calls += calls;
            return calls;
        }
    }

    private sealed class Options
    {
        public static readonly string[] Names = ["--callers", "--batches", "--round-ms", "--rounds", "--out"];

        public int Callers { get; private set; } = 64;

        public int[] Batches { get; private set; } = [1, 64];

        public int RoundMilliseconds { get; private set; } = 500;

        public int Rounds { get; private set; } = 5;

        public string? OutputPath { get; private set; }

        public string? Apply(string name, string value)
        {
            if (name == "--out")
            {
                OutputPath = value;
                return null;
            }

            int[] numbers = [.. value.Split(',').Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0)];
            if (numbers.Length == 0 || numbers.Any(n => n < 1) || (name != "--batches" && numbers.Length != 1))
            {
                return $"{name} takes {(name == "--batches" ? "positive counts, comma-separated" : "a positive count")}; got '{value}'.";
            }

            switch (name)
            {
                case "--callers":
                    Callers = numbers[0];
                    break;
                case "--batches":
                    Batches = numbers;
                    break;
                case "--round-ms":
                    RoundMilliseconds = numbers[0];
                    break;
                default:
                    Rounds = numbers[0];
                    break;
            }

            return null;
        }
    }

    private sealed record Row(int Batch, int Callers, int Cores, double Alone, double PerCore, double Shared, long Mismatches, long SharedCalls, long Workspaces);
}
