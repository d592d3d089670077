using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

using FastMlp.Benchmarks;
using FastMlp.Benchmarks.Infrastructure;

// dotnet run -c Release --project perf/FastMlp.Benchmarks -- --filter '*Gemm*'           (measure; see README.md)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- --filter '*' --job dry     (CI smoke run: every case once)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- latency [--threads 1] [--calls 20000] [--out FILE]
//                                                                    (W3 batch-1 latency, LatencyHarness.cs)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- mnist [--seeds 0-4] [--out FILE]   (W5 MNIST, MnistHarness.cs)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- guard [--rounds 300] [--steps 200] [--out FILE]
//                                                                    (update guard's cost, GuardHarness.cs)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- concurrency [--callers 64] [--batches 1,64] [--out FILE]
//                                                                    (many callers on one Predictor, ConcurrencyHarness.cs)
// dotnet run -c Release --project perf/FastMlp.Benchmarks -- precision-accuracy [--precisions Float32,BFloat16,Int8] [--out FILE]
//                                                                    (test accuracy per Predictor precision, PrecisionAccuracyHarness.cs)

// Only a first argument of exactly "latency", "mnist", "guard", "concurrency" or "precision-accuracy" leaves BenchmarkDotNet out; everything else goes to BenchmarkSwitcher untouched.
if (args.Length > 0 && args[0] == LatencyHarness.Command)
{
    return LatencyHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == MnistHarness.Command)
{
    return MnistHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == GuardHarness.Command)
{
    return GuardHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == ConcurrencyHarness.Command)
{
    return ConcurrencyHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == PrecisionAccuracyHarness.Command)
{
    return PrecisionAccuracyHarness.Run(args[1..]);
}

bool jobOnCommandLine = args.Any(arg => arg == "-j" || arg.StartsWith("--job", StringComparison.Ordinal));
Summary[] summaries = BenchmarkSwitcher
    .FromAssembly(typeof(Program).Assembly)
    .Run(args, BenchmarkConfig.Create(withMeasurementJob: !jobOnCommandLine))
    .ToArray();

// A non-zero exit code lets CI notice a benchmark that failed to build or threw, or a filter that matched nothing.
if (summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)))
{
    Console.Error.WriteLine("At least one benchmark failed; see the log above.");
    return 1;
}

if (summaries.Length == 0 && args.Any(arg => arg == "-f" || arg.StartsWith("--filter", StringComparison.Ordinal)))
{
    Console.Error.WriteLine("No benchmark matched the filter.");
    return 2;
}

return 0;
