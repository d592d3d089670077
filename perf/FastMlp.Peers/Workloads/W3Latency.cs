using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;

using Microsoft.ML.OnnxRuntime;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W3 batch 1, outside BenchmarkDotNet: one 784-float input to 10 probabilities per call, each call timed alone
/// (Stopwatch.GetTimestamp before and after it, as perf/FastMlp.Benchmarks' LatencyHarness does, with the same
/// nearest-rank percentiles, <see cref="Percentiles"/>), for FastMlp, ONNX Runtime (IOBinding and Run) and
/// TorchSharp, and at reduced precision FastMlp's Predictor (BFloat16, Int8) and ONNX Runtime's int8 graph, 1 and 2 threads. Per thread count every system is set up (<see cref="InferenceOperands"/>) and
/// checked against FastMlp first; a peer that did not load or disagrees is a row saying so and is not timed. Then
/// each system warms up, and the timed calls run in short rounds (500 calls, a few ms) that rotate through the
/// systems (round r starts with system r modulo the systems timed), so a stretch of machine load (the 2 cores are
/// shared) falls on every system alike instead of on whichever one ran during it. Allocated bytes per call =
/// GC.GetAllocatedBytesForCurrentThread over the timed calls / timed calls (the calling thread only; ORT's and
/// libtorch's native allocations are not the GC's).
/// </summary>
internal static class W3Latency
{
    private static readonly string[] s_systems =
        [Systems.FastMlp, Systems.Predictor, Systems.OrtIoBinding, Systems.OrtRun, Systems.Torch, Systems.PredictorBFloat16, Systems.PredictorInt8, Systems.OrtInt8];

    private static readonly int[] s_threads = [1, 2];

    public static List<LatencyRow> Measure(RunMode mode)
    {
        Plan plan = mode switch
        {
            // WORKLOADS.md: ≥ 20,000 individually timed calls after ≥ 1 s and ≥ 10,000 calls of warm-up.
            RunMode.Full => new Plan(Calls: 20_000, CallsPerRound: 500, WarmupMilliseconds: 1000, WarmupCalls: 10_000, RewarmCalls: 50),
            RunMode.Quick => new Plan(Calls: 5_000, CallsPerRound: 500, WarmupMilliseconds: 200, WarmupCalls: 2_000, RewarmCalls: 50),
            _ => new Plan(Calls: 100, CallsPerRound: 25, WarmupMilliseconds: 0, WarmupCalls: 10, RewarmCalls: 0),
        };

        var rows = new List<LatencyRow>();
        foreach (int threads in s_threads)
        {
            Console.Error.WriteLine($"W3 latency, {threads} thread(s): {plan.Calls:N0} timed calls per system in rotating rounds of {plan.CallsPerRound}...");
            foreach (LatencyRow row in MeasureThreads(threads, plan))
            {
                Console.Error.WriteLine(row.Status == "ok"
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"  {Systems.Display(row.System),-26} median {row.MedianUs,7:F2} µs  p99 {row.P99Us,7:F2}  p99.9 {row.P999Us,7:F2}  max {row.MaxUs,8:F1}  {row.AllocatedBytesPerCall,7:0.#} B/call")
                    : $"  {Systems.Display(row.System),-26} {row.Status}");
                rows.Add(row);
            }
        }

        return rows;
    }

    private static List<LatencyRow> MeasureThreads(int threads, Plan plan)
    {
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        var timed = new List<TimedSystem>();
        try
        {
            foreach (string system in s_systems)
            {
                string? problem = Prepare(system, threads, out InferenceOperands? operands);
                if (problem is not null)
                {
                    statuses[system] = problem;
                    continue;
                }

                timed.Add(new TimedSystem(system, operands!, plan.Calls));
            }

            foreach (TimedSystem t in timed)
            {
                t.WarmUp(plan);
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            for (int round = 0, start = 0; start < plan.Calls; round++, start += plan.CallsPerRound)
            {
                int end = Math.Min(plan.Calls, start + plan.CallsPerRound);
                for (int i = 0; i < timed.Count; i++)
                {
                    timed[(round + i) % timed.Count].Time(start, end, plan.RewarmCalls);
                }
            }

            Dictionary<string, LatencyRow> measured = timed.ToDictionary(t => t.System, t => t.Row(threads), StringComparer.Ordinal);
            return [.. s_systems.Select(s => measured.TryGetValue(s, out LatencyRow? row) ? row : Untimed(s, threads, statuses[s]))];
        }
        finally
        {
            foreach (TimedSystem t in timed)
            {
                t.Operands.Dispose();
            }
        }
    }

    /// <summary>Sets a system up for batch 1 and checks it; null when it is ready to time, else its row's status.</summary>
    private static string? Prepare(string system, int threads, out InferenceOperands? operands)
    {
        operands = null;
        if (PeerRegistry.PeerOf(system) is { Loaded: false } peer)
        {
            return $"not loaded: {peer.Detail}";
        }

        var prepared = new InferenceOperands();
        try
        {
            prepared.Setup(1, threads, system);
        }
        catch (Exception e) when (e is OnnxRuntimeException or ExternalException or InvalidOperationException or NotSupportedException)
        {
            prepared.Dispose();
            return $"failed: {e.GetType().Name}: {e.Message}";
        }

        if (system != Systems.FastMlp && Agreement.Compare(prepared.Expected, prepared.Output, prepared.AgreementTolerance) is { } problem)
        {
            prepared.Dispose();
            return $"mismatch: {Systems.Display(system)} disagrees with FastMlp on probabilities: {problem}";
        }

        operands = prepared;
        return null;
    }

    private static LatencyRow Untimed(string system, int threads, string status) =>
        new(system, threads, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, status);

    /// <param name="Calls">Individually timed calls per system.</param>
    /// <param name="CallsPerRound">Timed calls of one system before the next system's turn.</param>
    /// <param name="WarmupMilliseconds">Untimed warm-up per system: at least this long and at least <paramref name="WarmupCalls"/> calls.</param>
    /// <param name="RewarmCalls">Untimed calls at the start of each round, so its first timed call does not pay for the previous system's cache footprint.</param>
    private sealed record Plan(int Calls, int CallsPerRound, int WarmupMilliseconds, int WarmupCalls, int RewarmCalls);

    /// <summary>One system's case, its per-call times in call order, and the bytes its timed calls allocated.</summary>
    private sealed class TimedSystem(string system, InferenceOperands operands, int calls)
    {
        private readonly Action _run = operands.Runner(system);
        private readonly long[] _elapsed = new long[calls];
        private long _allocated;

        public string System { get; } = system;

        public InferenceOperands Operands { get; } = operands;

        /// <summary>Long enough for tiered compilation to reach its optimized code and for each native peer's first-call costs to pass.</summary>
        public void WarmUp(Plan plan)
        {
            long start = Stopwatch.GetTimestamp();
            for (long n = 0; n < plan.WarmupCalls || Stopwatch.GetElapsedTime(start).TotalMilliseconds < plan.WarmupMilliseconds; n++)
            {
                _run();
            }
        }

        /// <summary>Times calls [start, end) one by one after <paramref name="rewarm"/> untimed ones.</summary>
        public void Time(int start, int end, int rewarm)
        {
            for (int i = 0; i < rewarm; i++)
            {
                _run();
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int i = start; i < end; i++)
            {
                long before = Stopwatch.GetTimestamp();
                _run();
                _elapsed[i] = Stopwatch.GetTimestamp() - before;
            }

            _allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }

        public LatencyRow Row(int threads)
        {
            long[] sorted = Percentiles.Sorted(_elapsed);
            return new LatencyRow(System, threads, sorted.Length,
                Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.5)),
                Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.99)),
                Percentiles.ToMicroseconds(Percentiles.NearestRank(sorted, 0.999)),
                Percentiles.ToMicroseconds(sorted[^1]),
                (double)_allocated / sorted.Length,
                "ok");
        }
    }
}
