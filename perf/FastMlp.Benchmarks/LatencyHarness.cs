using System.Diagnostics;
using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W3 batch-1 latency, outside BenchmarkDotNet: warm up, then time each of ≥ 20,000 <see cref="Network.Predict"/>
/// calls on one 784-float input individually (Stopwatch.GetTimestamp before and after each) and report the
/// median, p90, p99, p99.9 and max in µs, and the bytes allocated per call, as a markdown table.
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Benchmarks -- latency [--threads 1[,2]] [--calls 20000] [--warmup-ms 1000] [--out FILE]
/// </code>
/// </summary>
internal static class LatencyHarness
{
    public const string Command = "latency";

    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Benchmarks -- latency [--threads 1[,2...]] [--calls 20000] [--warmup-ms 1000] [--out FILE]\n" +
        "  --threads    workspace maxDegreeOfParallelism; a comma-separated list gives one row each (default 1)\n" +
        "  --calls      individually timed Predict calls per row, at least 1 (W3 asks for >= 20,000; default 20000)\n" +
        "  --warmup-ms  untimed warm-up per row: at least this long and at least 10,000 calls (default 1000)\n" +
        "  --out        also write the markdown report to this file";

    private const int MinWarmupCalls = 10_000;

    /// <summary>Runs the harness with the arguments after <c>latency</c>; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var options = new Options();
        if (!HarnessArguments.TryApply(args, Usage, Options.Names, options.Apply, out int exitCode))
        {
            return exitCode;
        }

        if (options.Calls < 20_000)
        {
            Console.Error.WriteLine($"Note: --calls {options.Calls} is below the 20,000 timed calls W3 asks for; fine for a smoke test, not for a report.");
        }

        HarnessReport.WarnIfDebugBuild();
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        var rows = new List<Row>();
        foreach (int threads in options.Threads)
        {
            Console.Error.WriteLine($"threads {threads}: warming up, then {options.Calls} timed calls...");
            rows.Add(Measure(network, threads, options.Calls, options.WarmupMilliseconds));
        }

        HarnessReport.Publish(Format(rows, args), options.OutputPath);
        return 0;
    }

    private static Row Measure(Network network, int threads, int calls, int warmupMilliseconds)
    {
        using Workspace workspace = network.CreateWorkspace(maxBatch: 1, maxDegreeOfParallelism: threads);
        float[] input = NetworkData.Inputs(1, network.InputSize);
        float[] output = new float[network.OutputSize];
        long[] elapsed = new long[calls];

        // Warm-up: long enough for tiered compilation to reach its optimized code (and OSR to replace loops).
        long warmupStart = Stopwatch.GetTimestamp();
        long warmupCalls = 0;
        while (warmupCalls < MinWarmupCalls || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < warmupMilliseconds)
        {
            network.Predict(input, output, workspace);
            warmupCalls++;
        }

        // The cost of the timing itself: the same pair of timestamps around nothing. Reported, not subtracted.
        for (int i = 0; i < calls; i++)
        {
            long before = Stopwatch.GetTimestamp();
            elapsed[i] = Stopwatch.GetTimestamp() - before;
        }

        double timerOverhead = Percentiles.ToMicroseconds(Percentiles.NearestRank(Percentiles.Sorted(elapsed), 0.5));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int gen0Before = GC.CollectionCount(0);
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long loopStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            long before = Stopwatch.GetTimestamp();
            network.Predict(input, output, workspace);
            elapsed[i] = Stopwatch.GetTimestamp() - before;
        }

        long loopTicks = Stopwatch.GetTimestamp() - loopStart;
        long threadAllocated = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        long processAllocated = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        int gen0Collections = GC.CollectionCount(0) - gen0Before;

        long[] sorted = Percentiles.Sorted(elapsed);
        return new Row(
            threads,
            calls,
            Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.5)),
            Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.9)),
            Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.99)),
            Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.999)),
            Percentiles.ToMicroseconds(sorted[^1]),
            Percentiles.ToMicroseconds(sorted[0]),
            Percentiles.ToMicroseconds(loopTicks) / calls,
            (double)threadAllocated / calls,
            (double)processAllocated / calls,
            gen0Collections,
            warmupCalls,
            timerOverhead);
    }

    private static string Format(List<Row> rows, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("## W3 batch-1 latency: Network.Predict, 784-256-128-10 ReLU/Softmax, one sample per call");
        text.AppendLine();
        text.AppendLine("| threads | timed calls | median µs | p90 µs | p99 µs | p99.9 µs | max µs | allocated B/call |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            text.AppendLine(c, $"| {r.Threads} | {r.Calls:N0} | {r.Median:F2} | {r.P90:F2} | {r.P99:F2} | {r.P999:F2} | {r.Max:F2} | {r.ThreadBytesPerCall:0.##} |");
        }

        text.AppendLine();
        text.AppendLine("Per row: untimed warm-up, then each call timed alone with Stopwatch.GetTimestamp before and after it;");
        text.AppendLine("percentiles are nearest-rank over the sorted per-call times. Allocated B/call =");
        text.AppendLine("GC.GetAllocatedBytesForCurrentThread over the timed loop / calls (the calling thread only).");
        text.AppendLine();
        text.AppendLine("| threads | min µs | mean µs (loop time / calls) | process-wide allocated B/call | gen-0 GCs in timed loop | warm-up calls | timer overhead µs (median, not subtracted) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (Row r in rows)
        {
            text.AppendLine(c, $"| {r.Threads} | {r.Min:F2} | {r.Mean:F2} | {r.ProcessBytesPerCall:0.##} | {r.Gen0Collections} | {r.WarmupCalls:N0} | {r.TimerOverhead:F3} |");
        }

        text.AppendLine();
        HarnessReport.AppendEnvironment(text, string.Create(c, $"; Stopwatch frequency {Stopwatch.Frequency:N0} Hz"), Command, args);
        return text.ToString();
    }

    private sealed class Options
    {
        public static readonly string[] Names = ["--threads", "--calls", "--warmup-ms", "--out"];

        public int[] Threads { get; private set; } = [1];

        public int Calls { get; private set; } = 20_000;

        public int WarmupMilliseconds { get; private set; } = 1000;

        public string? OutputPath { get; private set; }

        /// <summary>Takes the value of one of <see cref="Names"/>; returns the error for a bad one.</summary>
        public string? Apply(string name, string value)
        {
            switch (name)
            {
                case "--threads":
                    int[] threads = [.. value.Split(',').Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0)];
                    if (threads.Length == 0 || threads.Any(t => t is < -1 or 0))
                    {
                        return $"--threads takes -1 or positive thread counts, comma-separated; got '{value}'.";
                    }

                    Threads = threads;
                    return null;
                case "--calls":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int calls) || calls < 1)
                    {
                        return $"--calls takes a positive count; got '{value}'.";
                    }

                    Calls = calls;
                    return null;
                case "--warmup-ms":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int warmup) || warmup < 0)
                    {
                        return $"--warmup-ms takes a count of milliseconds >= 0; got '{value}'.";
                    }

                    WarmupMilliseconds = warmup;
                    return null;
                default:
                    OutputPath = value;
                    return null;
            }
        }
    }

    private sealed record Row(
        int Threads,
        int Calls,
        double Median,
        double P90,
        double P99,
        double P999,
        double Max,
        double Min,
        double Mean,
        double ThreadBytesPerCall,
        double ProcessBytesPerCall,
        int Gen0Collections,
        long WarmupCalls,
        double TimerOverhead);
}
