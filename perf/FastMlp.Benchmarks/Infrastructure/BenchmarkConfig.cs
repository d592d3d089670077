using System.Reflection;

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>The one config every FastMlp benchmark runs with (see Program.cs).</summary>
internal static class BenchmarkConfig
{
    /// <summary>
    /// At least 10 (at most 30) timed iterations after BenchmarkDotNet's automatic warm-up, so the
    /// median comes from ≥ 5 repetitions as WORKLOADS.md asks, and a full W1 run stays bounded on 2 cores.
    /// </summary>
    public static Job Measurement { get; } = Job.Default
        .WithMinIterationCount(10)
        .WithMaxIterationCount(30)
        .WithMaxWarmupCount(20)
        .WithId("Measure");

    /// <param name="withMeasurementJob">
    /// False when the command line picks a job (<c>--job dry</c>, <c>--job short</c>): BenchmarkDotNet
    /// ignores <c>--job</c> whenever the config already defines a default job.
    /// </param>
    public static IConfig Create(bool withMeasurementJob)
    {
        // DefaultConfig brings the console logger, the validators and the exporters (GitHub markdown among them).
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(StatisticColumn.Median, GflopsColumn.FromMean, GflopsColumn.FromMedian, SamplesPerSecondColumn.FromMedian)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddFilter(new SimpleFilter(RespectsBaselineLimits));

        if (withMeasurementJob)
        {
            config.AddJob(Measurement.AsDefault());
        }

        return config;
    }

    /// <summary>Drops the cases a <see cref="SingleThreadBaselineAttribute"/> rules out.</summary>
    private static bool RespectsBaselineLimits(BenchmarkCase benchmarkCase)
    {
        SingleThreadBaselineAttribute? limits =
            benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<SingleThreadBaselineAttribute>();
        if (limits is null)
        {
            return true;
        }

        object? threads = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value;
        object? n = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "N")?.Value;
        return threads is null or 1 && (n is not int size || size <= limits.MaxN);
    }
}
