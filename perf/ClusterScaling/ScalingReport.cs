// The markdown report of a run: per model, one table of every (batch, setup) case with the median and p90 step
// time over all its measured steps, the medians of the compute, the all-reduce and the rest (StepTime −
// ComputeTime − ReduceTime, per step), the all-reduce's share of the step, the bytes per step (StepReport's
// payload count and what Orleans wrote to its connections), the process's allocations and gen-2 collections per
// step, samples/s at the median step and the speed against Trainer.Step on one thread. Medians are over steps; the spread of the rounds' medians shows the machine's drift.
using System.Globalization;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace ClusterScaling;

internal static class ScalingReport
{
    public static string Format(IReadOnlyList<ScalingCase> cases, int rounds, int steps, int warmup, string loadBefore, string loadAfter, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Data-parallel step time against worker count (issue 17)");
        text.AppendLine();
        text.AppendLine(c, $"One process: Orleans' in-process test clusters of 3 and of 2 silos, both up for the whole run, their silos and client talking over loopback, and Trainer.Step beside them. Every case ran once to warm up and then once in each of {rounds} rounds (the order rotating), {warmup} warm-up steps and {steps} measured steps a run; the data-parallel steps that end an epoch (the checkpoint falls in their StepTime) are left out, so a figure is over the `steps` column's count. SGD lr 0.01, one thread per worker, the bundled 8,000 MNIST digits. All silos share this machine's {Environment.ProcessorCount} cores.");
        text.AppendLine();
        text.AppendLine("- **step**: StepTime (the coordinator sends the step to every worker and has the last reply; for Trainer.Step its wall time), median and p90.");
        text.AppendLine("- **compute**: the slowest worker's forward and backward pass; **all-reduce**: the last worker's round trip to the all-reduce grain; **rest**: step − compute − all-reduce per step (the coordinator's calls, the update, scheduling), medians over steps. The replicas on threads (no Orleans) are the same algorithm in this process: compute is their parallel ComputeGradients, all-reduce the weighted sum, rest the updates.");
        text.AppendLine("- **share**: all-reduce / step per step, median. **payload**: StepReport.GradientBytes; **wire**: the bytes Orleans wrote to its connections during the step (WireBytes.cs), median.");
        text.AppendLine("- **alloc**: bytes the whole process allocated per step (GC.GetTotalAllocatedBytes), median; **gen2**: gen-2 collections per 100 steps (only for the Orleans jobs: Trainer.Step allocates nothing).");
        text.AppendLine("- **samples/s**: global batch / median step; **× 1 thread**: Trainer.Step's 1-thread median / this median (above 1: faster). **rounds**: lowest and highest round median.");
        foreach (IGrouping<Model, ScalingCase> model in cases.GroupBy(k => k.Model))
        {
            text.AppendLine();
            text.AppendLine(c, $"## {model.Key.Name} ({string.Join('-', model.Key.Sizes)}), {model.Key.Create().Parameters.Length:N0} parameters");
            text.AppendLine();
            text.AppendLine("| batch | setup | steps | step ms median (p90) | compute ms | all-reduce ms | rest ms | share | payload KB | wire KB | alloc KB | gen2 | samples/s | × 1 thread | rounds ms |");
            text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (IGrouping<int, ScalingCase> batch in model.GroupBy(k => k.Batch))
            {
                double single = Median(batch.OfType<LocalCase>().Single(k => k.Threads == 1).Samples, s => s.Step.TotalMilliseconds);
                foreach (ScalingCase k in batch)
                {
                    text.AppendLine(Row(k, single));
                }
            }
        }

        text.AppendLine();
        text.AppendLine(c, $"Load average (1, 5, 15 min) before the run: {loadBefore}; after: {loadAfter}.");
        text.AppendLine();
        HarnessReport.AppendEnvironment(text, "", "dotnet run -c Release --project perf/ClusterScaling --", args);
        return text.ToString();
    }

    /// <summary>One table row; Trainer.Step has no compute / all-reduce split, only an Orleans job has bytes and collections.</summary>
    private static string Row(ScalingCase k, double singleThreadMedian)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        double step = Median(k.Samples, s => s.Step.TotalMilliseconds);
        string[] split = k is LocalCase ? ["", "", "", ""] :
        [
            Ms(k, s => s.Compute), Ms(k, s => s.Reduce), Ms(k, s => s.Step - s.Compute - s.Reduce),
            Median(k.Samples, s => s.Reduce / s.Step).ToString("P0", c),
        ];
        string[] cluster = k is not ClusterCase ? ["", "", "", ""] :
        [
            Kilobytes(k, s => s.GradientBytes), Kilobytes(k, s => s.WireBytes), Kilobytes(k, s => s.AllocatedBytes),
            (k.Samples.Sum(s => s.Gen2) * 100.0 / k.Samples.Count).ToString("F1", c),
        ];
        return string.Create(c, $"| {k.Batch} | {k.Setup} | {k.Samples.Count} | {step:F3} ({Quantile(k.Samples, s => s.Step.TotalMilliseconds, 0.9):F3}) | {string.Join(" | ", [.. split, .. cluster])} | {k.Batch / step * 1000:N0} | {singleThreadMedian / step:F2} | {k.RoundMedians.Min().TotalMilliseconds:F2}-{k.RoundMedians.Max().TotalMilliseconds:F2} |");
    }

    private static string Kilobytes(ScalingCase k, Func<StepSample, long> value) =>
        (Median(k.Samples, s => value(s)) / 1024).ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The first three fields of /proc/loadavg, or "n/a".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Ms(ScalingCase k, Func<StepSample, TimeSpan> value) =>
        Median(k.Samples, s => value(s).TotalMilliseconds).ToString("F3", CultureInfo.InvariantCulture);

    private static double Median(List<StepSample> samples, Func<StepSample, double> value) => Quantile(samples, value, 0.5);

    private static double Quantile(List<StepSample> samples, Func<StepSample, double> value, double p) =>
        Percentiles.NearestRank([.. samples.Select(value).Order()], p);
}
