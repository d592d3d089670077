using System.Globalization;
using System.Reflection;

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// Turns BenchmarkDotNet's summaries into <see cref="CaseResult"/> rows, including a row for every case that did
/// not run: its peer did not load, it failed its agreement check (<see cref="Agreement"/>), or it threw.
/// </summary>
internal static class ResultCollector
{
    public static bool InQuickRun(BenchmarkCase benchmarkCase) =>
        (bool)Static(benchmarkCase.Descriptor.Type, nameof(IPeerBenchmark.InQuickRun)).Invoke(null, [Parameter(benchmarkCase)])!;

    /// <param name="types">The benchmark classes that were run.</param>
    /// <param name="config">The config they ran with (<see cref="PeersConfig.Create"/>), for its job.</param>
    /// <param name="mode">The run's mode: a quick run meant to run only its subset of cases.</param>
    public static List<CaseResult> Collect(IEnumerable<Type> types, IConfig config, RunMode mode, IReadOnlyList<Summary> summaries)
    {
        Dictionary<string, BenchmarkReport> reports = summaries
            .SelectMany(s => s.Reports)
            .ToDictionary(r => Agreement.Key(r.BenchmarkCase), StringComparer.Ordinal);

        // The same cases without the peer filter, so a peer that did not load still has its rows.
        IConfig unfiltered = ManualConfig.CreateEmpty().AddJob(config.GetJobs().ToArray());
        var rows = new List<CaseResult>();
        foreach (Type type in types)
        {
            PeerGroupAttribute group = type.GetCustomAttribute<PeerGroupAttribute>()
                ?? throw new InvalidOperationException($"{type.Name} lacks [PeerGroup].");
            foreach (BenchmarkCase benchmarkCase in BenchmarkConverter.TypeToBenchmarks(type, unfiltered).BenchmarksCases)
            {
                if (mode == RunMode.Quick && !InQuickRun(benchmarkCase))
                {
                    continue;
                }

                string key = Agreement.Key(benchmarkCase);
                rows.Add(Row(group, benchmarkCase, key, reports.GetValueOrDefault(key)));
            }
        }

        return rows;
    }

    private static CaseResult Row(PeerGroupAttribute group, BenchmarkCase benchmarkCase, string key, BenchmarkReport? report)
    {
        string system = benchmarkCase.Descriptor.WorkloadMethod.Name;
        Func<string, object?> parameter = Parameter(benchmarkCase);
        double work = (double)Static(benchmarkCase.Descriptor.Type, nameof(IPeerBenchmark.WorkPerOperation)).Invoke(null, [parameter])!;
        int threads = parameter("Threads") is int t ? t : 1;
        // "N=512", "B=64"; a shape names itself ("B32 NN 784→256"); a class with no parameter but Threads is one row.
        string caseName = string.Join(' ', benchmarkCase.Parameters.Items
            .Where(p => p.Name != "Threads")
            .Select(p => p.Value is int ? string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}") : $"{p.Value}"));
        caseName = caseName.Length == 0 ? "one case" : caseName;
        Statistics? statistics = report?.ResultStatistics;
        if (statistics is not null)
        {
            return new CaseResult(group.Workload, group.Title, caseName, threads, system, work, statistics.Median, statistics.Mean,
                statistics.StandardDeviation, report!.GcStats.GetBytesAllocatedPerOperation(benchmarkCase),
                Allocations.PerCall.TryGetValue(key, out double perCall) ? perCall : null, "ok");
        }

        string status = PeerRegistry.PeerOf(system) is { Loaded: false } peer
            ? $"not loaded: {peer.Detail}"
            : Agreement.Mismatches.TryGetValue(key, out string? mismatch)
                ? $"mismatch: {mismatch}"
                : report is null ? "not run" : "failed: see the run's log";
        return new CaseResult(group.Workload, group.Title, caseName, threads, system, work, null, null, null, null, null, status);
    }

    private static Func<string, object?> Parameter(BenchmarkCase benchmarkCase) =>
        name => benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;

    private static MethodInfo Static(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"{type.Name} does not implement {nameof(IPeerBenchmark)}.{name}.");
}
