using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

using Perfolizer.Horology;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The BenchmarkDotNet configuration of the suite. Cases run in this process (the in-process toolchain), one
/// after another, so each peer is measured alternated with FastMlp under the same machine load, the peers load
/// once, and OPENBLAS_CORETYPE is unset where OpenBLAS reads it (<see cref="Peers.OpenBlas"/>).
/// </summary>
internal static class PeersConfig
{
    public static IConfig Create(RunMode mode, string artifactsPath)
    {
        Job job = mode switch
        {
            // ≥ 9 timed iterations of ≥ 100 ms each after warm-up: WORKLOADS.md's median of ≥ 5 repetitions.
            RunMode.Full => Job.Default.WithWarmupCount(4).WithIterationCount(9).WithIterationTime(TimeInterval.FromMilliseconds(100)),
            RunMode.Quick => Job.Default.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(40)),
            _ => Job.Dry,
        };

        ManualConfig config = ManualConfig.CreateEmpty()
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).WithEvaluateOverhead(mode != RunMode.Dry).WithId(mode.ToString()))
            .AddFilter(new SimpleFilter(PeerRegistry.IsRunnable))
            .WithArtifactsPath(artifactsPath)
            .WithOptions(ConfigOptions.DisableLogFile);
        if (mode == RunMode.Quick)
        {
            config.AddFilter(new SimpleFilter(ResultCollector.InQuickRun));
        }

        return config;
    }
}
