using System.Diagnostics;
using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What the update guard (src/FastMlp/Training/Trainer.Update.cs) costs a training step, measured side by side in
/// one process: twin trainers on twin networks (same seed, same batches) step alternately in short rounds, one
/// guarded as every user's Trainer is, one with the guard off (the internal switch <see cref="Trainer.GuardsUpdates"/>:
/// the same step with the optimizer's own unguarded update, as before the guard). Rounds alternate which twin goes
/// first, and the two built-in twins swap roles halfway (so that where their buffers fell in memory weighs on both
/// roles alike). The report gives each role's 10th percentile and median ns per step, the median and 10th-90th
/// percentiles of the per-round ratio (the machine's drift cancels within a round) and the ratio of the 10th
/// percentiles (the rounds other load left alone). A third twin runs the same SGD as a custom IOptimizer, whose
/// parameters the guard copies and checks every step. Afterwards all three networks must be bit-identical.
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Benchmarks -- guard [--rounds 300] [--steps 200] [--out FILE]
/// </code>
/// </summary>
internal static class GuardHarness
{
    public const string Command = "guard";

    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Benchmarks -- guard [--rounds 300] [--steps 200] [--out FILE]\n" +
        "  --rounds  timed rounds per workload; each times every twin once (default 300)\n" +
        "  --steps   steps per twin per round, at least 1 (W4 runs 64 times as many; default 200)\n" +
        "  --out     also write the markdown report to this file";

    /// <summary>Runs the harness with the arguments after <c>guard</c>; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = 300, steps = 200;
        string? output = null;
        string? Apply(string name, string value)
        {
            switch (name)
            {
                case "--out":
                    output = value;
                    return null;
                case "--rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out rounds) && rounds >= 1:
                case "--steps" when int.TryParse(value, CultureInfo.InvariantCulture, out steps) && steps >= 1:
                    return null;
                default:
                    return $"{name} needs a whole number of at least 1; got '{value}'.";
            }
        }

        if (!HarnessArguments.TryApply(args, Usage, ["--rounds", "--steps", "--out"], Apply, out int exitCode))
        {
            return exitCode;
        }

        HarnessReport.WarnIfDebugBuild();
        var rows = new List<Row>
        {
            Measure(Workload.W2, rounds, steps),
            Measure(Workload.W4, rounds, steps * 64),
        };
        if (rows.Any(r => !r.SameParameters))
        {
            Console.Error.WriteLine("The twins' parameters differ: the guard changed a result.");
            return 1;
        }

        HarnessReport.Publish(Format(rows, args), output);
        return 0;
    }

    private static Row Measure(Workload workload, int rounds, int steps)
    {
        Console.Error.WriteLine($"{workload.Name}: warming up, then {rounds} rounds of {steps} steps per twin...");
        Twin[] twins = [new(workload, guarded: true, custom: false), new(workload, guarded: false, custom: false), new(workload, guarded: true, custom: true)];
        foreach (Twin twin in twins)
        {
            twin.Time(Math.Max(3000, steps));
        }

        var times = new double[twins.Length][];
        for (int t = 0; t < twins.Length; t++)
        {
            times[t] = new double[rounds];
        }

        // times[role]: 0 guarded, 1 guard off, 2 custom. Halfway the first two twins swap roles, so that whatever
        // differs between their networks (where their buffers fell in memory) weighs on both roles alike.
        int[] twinOf = [0, 1, 2];
        long allocated = 0;
        for (int r = 0; r < rounds; r++)
        {
            if (r == rounds / 2)
            {
                twinOf = [1, 0, 2];
                (twins[0].Guarded, twins[1].Guarded) = (false, true);
                foreach (Twin twin in twins)
                {
                    twin.Time(steps);   // untimed: the first guarded step after the swap reads the parameters once
                }
            }

            for (int k = 0; k < twins.Length; k++)
            {
                int role = (r + k) % twins.Length;   // each role goes first, second and third in turn
                long before = GC.GetAllocatedBytesForCurrentThread();
                times[role][r] = twins[twinOf[role]].Time(steps);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        double[] guardedRatio = [.. times[0].Zip(times[1], (a, b) => a / b)];
        double[] customRatio = [.. times[2].Zip(times[1], (a, b) => a / b)];
        bool same = twins[0].Parameters.SequenceEqual(twins[1].Parameters) && twins[2].Parameters.SequenceEqual(twins[1].Parameters);
        foreach (Twin twin in twins)
        {
            twin.Dispose();
        }

        return new Row(workload.Name, Quantiles(times[0]), Quantiles(times[1]), Quantiles(times[2]), Stats(guardedRatio), Stats(customRatio), allocated, same);
    }

    /// <summary>The 10th percentile (rounds the machine's other load left alone) and the median.</summary>
    private static (double P10, double Median) Quantiles(double[] times) => (Percentile(times, 0.1), Median(times));

    private static (double Median, double P10, double P90) Stats(double[] ratios) =>
        (Median(ratios), Percentile(ratios, 0.1), Percentile(ratios, 0.9));

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted[(int)Math.Round(p * (sorted.Length - 1))];
    }

    private static string Format(List<Row> rows, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Update guard: guarded step against the same step unguarded (one process, alternating rounds)");
        text.AppendLine();
        text.AppendLine("ns per step: p10 / median over the rounds. Ratios: the median [p10, p90] of the per-round ratios, then the ratio of the p10s.");
        text.AppendLine();
        text.AppendLine("| workload | guarded | guard off | guarded / guard off | ratio of p10s | custom IOptimizer | custom / guard off | ratio of p10s | bytes allocated, all timed steps |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Row r in rows)
        {
            text.AppendLine(c, $"| {r.Name} | {r.Guarded.P10:F1} / {r.Guarded.Median:F1} | {r.Unguarded.P10:F1} / {r.Unguarded.Median:F1} | {r.GuardedRatio.Median:F4} [{r.GuardedRatio.P10:F4}, {r.GuardedRatio.P90:F4}] | {r.Guarded.P10 / r.Unguarded.P10:F4} | {r.Custom.P10:F1} / {r.Custom.Median:F1} | {r.CustomRatio.Median:F4} [{r.CustomRatio.P10:F4}, {r.CustomRatio.P90:F4}] | {r.Custom.P10 / r.Unguarded.P10:F4} | {r.Allocated} |");
        }

        text.AppendLine();
        text.AppendLine("All three twins of each workload ended with bit-identical parameters.");
        text.AppendLine();
        HarnessReport.AppendEnvironment(text, "", Command, args);
        return text.ToString();
    }

    private sealed record Row(
        string Name, (double P10, double Median) Guarded, (double P10, double Median) Unguarded, (double P10, double Median) Custom,
        (double Median, double P10, double P90) GuardedRatio, (double Median, double P10, double P90) CustomRatio, long Allocated, bool SameParameters);

    /// <summary>A network, its loss and learning rate, and the samples its steps cycle over (batch 1).</summary>
    private sealed record Workload(string Name, int[] Sizes, Activation Hidden, Activation Output, Loss Loss, float LearningRate, float[] Inputs, float[] Targets)
    {
        public static Workload W2 { get; } = new(
            "W2 784-256-128-10, batch 1, SGD 0.01", NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, Loss.CrossEntropy, 0.01f,
            NetworkData.Inputs(4, 784), NetworkData.OneHotTargets(4, 10));

        public static Workload W4 { get; } = new(
            "W4 2-2-1 XOR, batch 1, SGD 0.5", [2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, Loss.SumSquaredError, 0.5f,
            [0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], [0f, 1f, 1f, 0f]);
    }

    /// <summary>One twin: its own network (same seed as the others) and trainer, stepping over the workload's samples in turn.</summary>
    private sealed class Twin : IDisposable
    {
        private readonly Workload _workload;
        private readonly Network _network;
        private readonly Trainer _trainer;
        private int _next;

        public Twin(Workload workload, bool guarded, bool custom)
        {
            _workload = workload;
            _network = Network.Create(workload.Sizes, workload.Hidden, workload.Output, seed: 0);
            IOptimizer optimizer = custom ? new UserSgd(workload.LearningRate) : new Sgd(workload.LearningRate);
            _trainer = new Trainer(_network, workload.Loss, optimizer, maxBatch: 1, maxDegreeOfParallelism: 1) { GuardsUpdates = guarded, KeepsGradients = true };
        }

        public float[] Parameters => _network.Parameters.ToArray();

        public bool Guarded
        {
            set => _trainer.GuardsUpdates = value;
        }

        /// <summary>Runs <paramref name="steps"/> steps; returns ns per step.</summary>
        public double Time(int steps)
        {
            int inputs = _network.InputSize, outputs = _network.OutputSize, samples = _workload.Targets.Length / outputs;
            long start = Stopwatch.GetTimestamp();
            for (int s = 0; s < steps; s++)
            {
                int i = _next;
                _next = (i + 1) % samples;
                _trainer.Step(_workload.Inputs.AsSpan(i * inputs, inputs), _workload.Targets.AsSpan(i * outputs, outputs));
            }

            return Stopwatch.GetElapsedTime(start).TotalNanoseconds / steps;
        }

        public void Dispose() => _trainer.Dispose();
    }
}
