using System.Globalization;

using FastMlp.Peers.Infrastructure;

using ScottPlot;

namespace FastMlp.Peers.Report;

/// <summary>
/// The PNG charts of a run, drawn with ScottPlot 5 (chosen over OxyPlot: one package that renders a static PNG
/// from a console program through SkiaSharp with its native assets included, no UI toolkit, and an API small enough
/// to read). Each system keeps one colour in every chart; 1 thread is a solid line, 2 threads dashed. Sizes go on a
/// log2 axis (they double), so the axes carry manual ticks at the measured sizes.
/// </summary>
internal static class Charts
{
    private const int Width = 1000;
    private const int Height = 600;

    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    /// <summary>Writes every chart the run has data for into <paramref name="directory"/>; returns the paths.</summary>
    public static IEnumerable<string> Write(RunRecord run, string directory)
    {
        var written = new List<string>();
        foreach (int threads in run.Cases.Where(c => c.Group == W1Square).Select(c => c.Threads).Distinct())
        {
            written.Add(Save(SquareGemm(run, threads), Path.Combine(directory, $"w1-square-{threads}t.png")));
        }

        if (run.Cases.Any(c => c.Group == W1Products && c.MedianNs is not null))
        {
            written.Add(Save(ProductRatios(run), Path.Combine(directory, "w1-products.png"), width: 1600));
        }

        if (run.Cases.Any(c => c.Workload == "W2" && c.MedianNs is not null))
        {
            written.Add(Save(PerBatch(run, "W2", "W2 training step, 784-256-128-10 (lower is better)", "µs per step (log scale)", log: true), Path.Combine(directory, "w2-step.png")));
        }

        if (run.Cases.Any(c => c.Workload == "W3" && c.MedianNs is not null))
        {
            written.Add(Save(PerBatch(run, "W3", "W3 inference throughput, 784-256-128-10 (higher is better)", "samples per second", log: false), Path.Combine(directory, "w3-throughput.png")));
        }

        return written;
    }

    private const string W1Square = "W1 SGEMM, square";
    private const string W1Products = "W1 SGEMM, the MLP's products";

    /// <summary>
    /// FastMlp's GFLOP/s over the best peer's per MLP product, a bar per thread count: the shapes where FastMlp is
    /// behind stand out below the line at 1.
    /// </summary>
    private static Plot ProductRatios(RunRecord run)
    {
        var plot = new Plot();
        List<CaseResult> cases = [.. run.Cases.Where(c => c.Group == W1Products && c.MedianNs is not null)];
        string[] shapes = [.. cases.Select(c => c.Case).Distinct()];
        int[] threadCounts = [.. cases.Select(c => c.Threads).Distinct().Order()];
        var bars = new List<ScottPlot.Bar>();
        for (int t = 0; t < threadCounts.Length; t++)
        {
            for (int s = 0; s < shapes.Length; s++)
            {
                CaseResult[] row = [.. cases.Where(c => c.Case == shapes[s] && c.Threads == threadCounts[t])];
                CaseResult? fastMlp = row.FirstOrDefault(c => c.System == Systems.FastMlp);
                CaseResult? best = row.Where(c => c.System != Systems.FastMlp).MaxBy(c => c.Work / c.MedianNs!.Value);
                if (fastMlp is null || best is null)
                {
                    continue;
                }

                bars.Add(new ScottPlot.Bar
                {
                    Position = (s * (threadCounts.Length + 1)) + t,
                    Value = (best.MedianNs!.Value / fastMlp.MedianNs!.Value),
                    FillColor = t == 0 ? ColorOf(Systems.FastMlp) : Color.FromHex("#f4a582"),
                });
            }
        }

        plot.Add.Bars(bars);
        var parity = plot.Add.HorizontalLine(1);
        parity.Color = Colors.Black;
        parity.LinePattern = LinePattern.Dotted;
        for (int t = 0; t < threadCounts.Length; t++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{threadCounts[t]} thread{(threadCounts[t] == 1 ? "" : "s")}", FillColor = t == 0 ? ColorOf(Systems.FastMlp) : Color.FromHex("#f4a582") });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. shapes.Select((_, s) => (s * (threadCounts.Length + 1)) + ((threadCounts.Length - 1) / 2.0))],
            shapes);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 150;
        plot.Axes.SetLimitsY(0, Math.Max(1.2, bars.Count == 0 ? 1 : bars.Max(b => b.Value) * 1.1));
        Label(plot, "W1, the MLP's products: FastMlp / best peer (above 1: FastMlp is faster)", "", "FastMlp / best peer", Alignment.UpperLeft);
        return plot;
    }

    /// <summary>GFLOP/s against N for one thread count, with the measured FMA peak of that many cores as the ceiling.</summary>
    private static Plot SquareGemm(RunRecord run, int threads)
    {
        var plot = new Plot();
        List<CaseResult> cases = [.. run.Cases.Where(c => c.Group == W1Square && c.Threads == threads && c.MedianNs is not null)];
        int[] sizes = [.. cases.Select(c => N(c)).Distinct().Order()];
        foreach (IGrouping<string, CaseResult> system in cases.GroupBy(c => c.System))
        {
            CaseResult[] points = [.. system.OrderBy(N)];
            AddLine(plot, system.Key, threads, [.. points.Select(p => Math.Log2(N(p)))], [.. points.Select(p => p.Work / p.MedianNs!.Value)]);
        }

        if (run.Machine.PeakGflopsPerCore > 0)
        {
            double peak = run.Machine.PeakGflopsPerCore * threads;
            var line = plot.Add.HorizontalLine(peak);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Black;
            line.LegendText = string.Create(s_c, $"measured FMA peak, {threads} core{(threads == 1 ? "" : "s")}: {peak:F0}");
            plot.Axes.SetLimitsY(0, peak * 1.08);
        }

        SizeTicks(plot, sizes);
        // The slow managed peers run along the bottom and the fast ones near the peak: the middle right is free.
        Label(plot, string.Create(s_c, $"W1 SGEMM C = A·B, square N×N fp32, {threads} thread{(threads == 1 ? "" : "s")} (higher is better)"), "N", "GFLOP/s", Alignment.MiddleRight);
        return plot;
    }

    /// <summary>One figure per batch size: each system at 1 and 2 threads.</summary>
    private static Plot PerBatch(RunRecord run, string workload, string title, string yLabel, bool log)
    {
        var plot = new Plot();
        Metric metric = Metric.For(workload);
        List<CaseResult> cases = [.. run.Cases.Where(c => c.Workload == workload && c.MedianNs is not null)];
        foreach (IGrouping<(string System, int Threads), CaseResult> line in cases.GroupBy(c => (c.System, c.Threads)))
        {
            CaseResult[] points = [.. line.OrderBy(c => c.Work)];
            double[] ys = [.. points.Select(metric.Value)];
            AddLine(plot, line.Key.System, line.Key.Threads, [.. points.Select(p => Math.Log2(p.Work))], log ? [.. ys.Select(Math.Log10)] : ys);
        }

        SizeTicks(plot, [.. cases.Select(c => (int)c.Work).Distinct().Order()]);
        if (log)
        {
            double[] decades = [.. cases.Select(metric.Value).Select(v => Math.Floor(Math.Log10(v))).Distinct().Order()];
            double[] positions = [.. Enumerable.Range((int)decades[0], (int)decades[^1] - (int)decades[0] + 2).Select(d => (double)d)];
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. positions.Select(p => Math.Pow(10, p).ToString("N0", s_c))]);
        }

        // Time per step grows with the batch (the upper left is free); samples/s flattens out above the slowest line
        // at the largest batch (the lower right is free).
        Label(plot, title, "batch size B (samples per call)", yLabel, log ? Alignment.UpperLeft : Alignment.LowerRight);
        return plot;
    }

    private static void AddLine(Plot plot, string system, int threads, double[] xs, double[] ys)
    {
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.LegendText = $"{Systems.Display(system)}, {threads}T";
        scatter.Color = ColorOf(system);
        scatter.LineWidth = system == Systems.FastMlp ? 3 : 2;
        scatter.MarkerSize = 7;
        scatter.LinePattern = threads == 1 ? LinePattern.Solid : LinePattern.Dashed;
    }

    /// <summary>Ticks at log2 of each measured size, labelled with the size.</summary>
    private static void SizeTicks(Plot plot, int[] sizes) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. sizes.Select(s => Math.Log2(s))], [.. sizes.Select(s => s.ToString(s_c))]);

    private static void Label(Plot plot, string title, string x, string y, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.ShowLegend(legend);
    }

    private static string Save(Plot plot, string path, int width = Width)
    {
        plot.SavePng(path, width, Height);
        return path;
    }

    private static int N(CaseResult c) => int.Parse(c.Case.AsSpan(c.Case.IndexOf('=', StringComparison.Ordinal) + 1), s_c);

    /// <summary>One colour per system, the same in every chart; FastMlp always the first.</summary>
    private static Color ColorOf(string system) => system switch
    {
        Systems.FastMlp => Color.FromHex("#d62728"),
        Systems.OpenBlas => Color.FromHex("#1f77b4"),
        Systems.Torch => Color.FromHex("#ff7f0e"),
        Systems.OrtIoBinding => Color.FromHex("#2ca02c"),
        Systems.OrtRun => Color.FromHex("#98df8a"),
        Systems.MathNet => Color.FromHex("#9467bd"),
        Systems.TensorPrimitives => Color.FromHex("#8c564b"),
        _ => Color.FromHex("#7f7f7f"),
    };
}
