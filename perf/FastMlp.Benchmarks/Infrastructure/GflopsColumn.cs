using System.Globalization;
using System.Reflection;

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// GFLOP/s = FLOPs per operation / time per operation. W1 (GEMM): 2·M·N·K, with M, N, K read from the
/// benchmark's parameters (a square case only needs <c>N</c>; a missing <c>M</c> or <c>K</c> defaults to <c>N</c>).
/// A class marked <see cref="FlopsPerSampleAttribute"/> (W2, W3): FLOPs per sample × its <c>B</c> parameter.
/// A case with neither shows "-"; a summary without any such case leaves the column out.
/// </summary>
internal sealed class GflopsColumn(string columnName, string statistic, Func<Statistics, double> nanoseconds) : IColumn
{
    public static readonly IColumn FromMean = new GflopsColumn("GFLOP/s", "mean", s => s.Mean);
    public static readonly IColumn FromMedian = new GflopsColumn("GFLOP/s (median)", "median", s => s.Median);

    public string Id => $"{nameof(GflopsColumn)}.{statistic}";
    public string ColumnName => columnName;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => statistic == "mean" ? 0 : 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"FLOPs per operation / {statistic} time per operation, in 10^9 floating-point operations per second; FLOPs per operation: GEMM 2·M·N·K, a network class its [FlopsPerSample] × B (see the class)";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => FlopCount(c) is not null);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        Statistics? statistics = summary[benchmarkCase]?.ResultStatistics;
        double? flops = FlopCount(benchmarkCase);
        if (statistics is null || flops is null)
        {
            return "-";
        }

        // Flops per nanosecond is GFLOP/s.
        return (flops.Value / nanoseconds(statistics)).ToString("F1", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// FLOPs per sample × B for a class marked <see cref="FlopsPerSampleAttribute"/>, otherwise 2·M·N·K from
    /// the M, N, K parameters; null when neither applies.
    /// </summary>
    public static double? FlopCount(BenchmarkCase benchmarkCase)
    {
        FlopsPerSampleAttribute? perSample = benchmarkCase.Descriptor.Type.GetCustomAttribute<FlopsPerSampleAttribute>(inherit: false);
        if (perSample is not null)
        {
            return perSample.Flops * (Dimension(benchmarkCase, "B") ?? 1);
        }

        if (Dimension(benchmarkCase, "N") is not double n)
        {
            return null;
        }

        double m = Dimension(benchmarkCase, "M") ?? n;
        double k = Dimension(benchmarkCase, "K") ?? n;
        return 2.0 * m * n * k;
    }

    private static double? Dimension(BenchmarkCase benchmarkCase, string name)
    {
        return benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value is int value ? value : null;
    }
}
