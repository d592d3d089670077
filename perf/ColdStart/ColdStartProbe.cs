// The measuring half of a cold-start child process, one source for every engine (ColdStart: FastMlp's
// Predictor; ColdStart.Onnx links this file for ONNX Runtime), so both engines run the same program shape.
// Usage: <child> MODEL_PATH [SPAWN_TIMESTAMP [WARMUP_MS]]. SPAWN_TIMESTAMP is the parent's
// Stopwatch.GetTimestamp() taken just before it started this process (CLOCK_MONOTONIC nanoseconds on Linux,
// the same clock in every process), so the child can split spawn→answer into runtime start-up, load and
// first call. What the child prints on stdout, each a line of space-separated key=value pairs:
//   answer class=C probability=P                  as soon as the first prediction is made (the parent stops
//                                                 its spawn→answer clock when it reads this line)
//   result main_us=.. load_us=.. first_us=.. ...  after the timing (every key is in Run's last line), with the
//                                                 SIMD widths the process ran (vector512=, vector256=)
// The first 1,000 predictions (the answer is the first) are timed one by one as they come; then the engine
// warms up for at least WARMUP_MS (default 1,000) and 10,000 calls, so tiered compilation has replaced every
// tier-0 method, and 20,000 more are timed one by one: the steady state.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;

namespace FastMlp.ColdStart;

/// <summary>One engine answering batch-1 predictions on the input and output arrays it was made with.</summary>
internal interface IColdStartEngine : IDisposable
{
    /// <summary>One prediction: output = model(input).</summary>
    void Predict();
}

internal static class ColdStartProbe
{
    /// <summary>The W3 network's input width (784-256-128-10): the model file the parent writes.</summary>
    public const int InputSize = 784;

    /// <summary>The W3 network's output width.</summary>
    public const int OutputSize = 10;

    private const int FirstCalls = 1_000;
    private const int SteadyCalls = 20_000;
    private const int MinimumWarmupCalls = 10_000;

    /// <summary>Runs the probe over the engine <paramref name="load"/> makes from the model path; the process exit code.</summary>
    public static int Run(string[] args, Func<string, float[], float[], IColdStartEngine> load)
    {
        long main = Stopwatch.GetTimestamp();
        if (args.Length is < 1 or > 3)
        {
            Console.Error.WriteLine("usage: MODEL_PATH [SPAWN_TIMESTAMP [WARMUP_MS]]");
            return 2;
        }

        long spawn = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : main;
        int warmupMs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        float[] input = Input(), output = new float[OutputSize];
        using Stream stdout = Console.OpenStandardOutput();

        long loadStart = Stopwatch.GetTimestamp();
        using IColdStartEngine engine = load(args[0], input, output);
        long loaded = Stopwatch.GetTimestamp();
        engine.Predict();
        long answered = Stopwatch.GetTimestamp();
        int answer = ArgMax(output);
        Write(stdout, string.Create(CultureInfo.InvariantCulture, $"answer class={answer} probability={output[answer]:R}"));

        // JIT activity up to the answer (zero under NativeAOT); counted after the write so that it costs nothing before.
        long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        double jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;

        long[] first = new long[FirstCalls];
        first[0] = answered - loaded;
        TimeEach(engine, first.AsSpan(1));
        long jitMethodsFirst = System.Runtime.JitInfo.GetCompiledMethodCount();

        long warmupEnd = Stopwatch.GetTimestamp() + (warmupMs * Stopwatch.Frequency / 1000);
        for (int i = 0; i < MinimumWarmupCalls || Stopwatch.GetTimestamp() < warmupEnd; i++)
        {
            engine.Predict();
        }

        long[] steady = new long[SteadyCalls];
        TimeEach(engine, steady);
        if (ArgMax(output) != answer)
        {
            Console.Error.WriteLine($"the steady-state answer {ArgMax(output)} differs from the first answer {answer}");
            return 1;
        }

        long[] firstSorted = Sorted(first), steadySorted = Sorted(steady);
        Write(stdout, string.Create(CultureInfo.InvariantCulture,
            $"result main_us={Us(main - spawn):F0} load_us={Us(loaded - loadStart):F0} first_us={Us(answered - loaded):F1} " +
            $"jit_methods={jitMethods} jit_ms={jitMs:F2} jit_methods_first1000={jitMethodsFirst} " +
            $"first1000_median_us={Us(Rank(firstSorted, 0.5)):F3} first1000_p99_us={Us(Rank(firstSorted, 0.99)):F3} " +
            $"steady_median_us={Us(Rank(steadySorted, 0.5)):F3} steady_p99_us={Us(Rank(steadySorted, 0.99)):F3} " +
            $"vector512={Vector512.IsHardwareAccelerated} vector256={Vector256.IsHardwareAccelerated}"));
        return 0;
    }

    /// <summary>Stopwatch ticks of each call, one call per element.</summary>
    private static void TimeEach(IColdStartEngine engine, Span<long> ticks)
    {
        for (int i = 0; i < ticks.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            engine.Predict();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>Pixel-like values in [0, 1) from a fixed seed: every process and engine answers the same input.</summary>
    private static float[] Input()
    {
        Random random = new(20240613);
        float[] values = new float[InputSize];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static long[] Sorted(long[] values)
    {
        long[] copy = (long[])values.Clone();
        Array.Sort(copy);
        return copy;
    }

    /// <summary>Nearest rank, as perf/FastMlp.Benchmarks' Percentiles.</summary>
    private static long Rank(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length), 1, sorted.Length) - 1];

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>One line straight to the stdout stream (no Console.Out writer to set up before the answer), flushed.</summary>
    private static void Write(Stream stdout, string line)
    {
        stdout.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stdout.Flush();
    }
}
