using System.Globalization;

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// Samples per second = B / median time per operation, for benchmark classes whose operation handles a
/// batch of <c>B</c> samples (a <c>B</c> parameter). Shown only in summaries that have such a class.
/// </summary>
internal sealed class SamplesPerSecondColumn : IColumn
{
    public static readonly IColumn FromMedian = new SamplesPerSecondColumn();

    public string Id => nameof(SamplesPerSecondColumn);
    public string ColumnName => "Samples/s (median)";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 2;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "B (samples per operation) / median time per operation";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => BatchSize(c) is not null);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (median is null || median <= 0 || BatchSize(benchmarkCase) is not int batch)
        {
            return "-";
        }

        return (batch * 1e9 / median.Value).ToString("N0", CultureInfo.InvariantCulture);
    }

    /// <summary>The case's <c>B</c> parameter; null when it has none.</summary>
    public static int? BatchSize(BenchmarkCase benchmarkCase)
    {
        return benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "B")?.Value is int batch ? batch : null;
    }
}
