// The report: per variant, over its processes, the median and p90 (nearest rank) of spawn→answer and the
// medians of the child's own figures (runtime start-up before Main, load, first call, JIT activity before the
// answer), then the first 1,000 predictions against the steady state. Every process's figures go to the CSV.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace FastMlp.ColdStart;

internal static class ColdStartReport
{
    private static readonly string[] s_childKeys =
        ["main_us", "load_us", "first_us", "jit_methods", "jit_ms", "jit_methods_first1000", "first1000_median_us", "first1000_p99_us", "steady_median_us", "steady_p99_us", "vector512", "vector256"];

    public static void Write(string directory, string commit, string command, string warmupMs, IReadOnlyList<Variant> variants, IReadOnlyList<Spawn> spawns)
    {
        Directory.CreateDirectory(directory);
        CultureInfo c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        int processes = spawns.Where(s => s.Error is null).GroupBy(s => s.Variant).Select(g => g.Count()).DefaultIfEmpty().Max();
        text.AppendLine("# Cold start: a process that loads the W3 model file and answers one batch-1 prediction");
        text.AppendLine();
        text.AppendLine(c, $"Command: `{command}`");
        text.AppendLine();
        text.AppendLine(c, $"- Commit {commit}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; CPU {CpuName()}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}.");
        text.AppendLine(c, $"- {processes} fresh processes per variant after one untimed round, the variants alternating process by process (round r starts at variant r).");
        text.AppendLine("- spawn→answer: the parent's Stopwatch from just before Process.Start to having read the child's answer line from its stdout pipe. The child's own figures (medians over its processes): runtime start-up = spawn to the first line of Main, on the one monotonic clock; load = Predictor.Load / new InferenceSession; first call = the first prediction; JIT = System.Runtime.JitInfo's methods and time up to the answer (0 under NativeAOT).");
        text.AppendLine(c, $"- First 1,000: the first 1,000 predictions of each process (the answer is the first), each timed alone; steady: 20,000 more, each timed alone, after at least {warmupMs} ms and 10,000 calls of warm-up. The table gives the medians over processes of each process's median and p99, and of its first/steady ratio.");
        text.AppendLine(c, $"- Answers: {Answers(spawns)}");
        foreach (Spawn failure in spawns.Where(s => s.Error is not null))
        {
            text.AppendLine(c, $"- **{failure.Variant.Name} failed**: {failure.Error}");
        }

        text.AppendLine();
        text.AppendLine("| Variant | Engine | Build | Runtime settings | spawn→answer median (ms) | p90 (ms) | runtime start-up (ms) | load (ms) | first call (ms) | methods JIT-compiled before the answer | JIT time (ms) |");
        text.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((Variant v, List<Spawn> ok) in Groups(variants, spawns))
        {
            List<double> answer = ok.Select(s => s.SpawnToAnswerMs).ToList();
            text.AppendLine(c, $"| {v.Name} | {v.Engine} | {v.Build} | {v.Settings} | {Median(answer):F1} | {Rank(answer, 0.9):F1} | {Median(ok, "main_us") / 1000:F1} | {Median(ok, "load_us") / 1000:F2} | {Median(ok, "first_us") / 1000:F2} | {Median(ok, "jit_methods"):F0} | {Median(ok, "jit_ms"):F1} |");
        }

        text.AppendLine();
        text.AppendLine("| Variant | first 1,000 median (µs) | first 1,000 p99 (µs) | steady median (µs) | steady p99 (µs) | first 1,000 / steady (median) | methods JIT-compiled by the 1,000th call | Vector512 / Vector256 accelerated |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach ((Variant v, List<Spawn> ok) in Groups(variants, spawns))
        {
            double ratio = Median(ok.Select(s => s.Number("first1000_median_us") / s.Number("steady_median_us")).ToList());
            text.AppendLine(c, $"| {v.Name} | {Median(ok, "first1000_median_us"):F2} | {Median(ok, "first1000_p99_us"):F2} | {Median(ok, "steady_median_us"):F2} | {Median(ok, "steady_p99_us"):F2} | {ratio:F2}× | {Median(ok, "jit_methods_first1000"):F0} | {Distinct(ok, "vector512")} / {Distinct(ok, "vector256")} |");
        }

        text.AppendLine();
        text.AppendLine("Variants, as perf/coldstart.sh builds and runs them:");
        text.AppendLine();
        foreach (Variant v in variants)
        {
            text.AppendLine(c, $"- {v.Name}: `{string.Join(' ', v.Environment.Select(e => $"{e.Key}={e.Value}").Concat(v.Command))} SPAWN_TIMESTAMP WARMUP_MS`");
        }

        string report = text.ToString();
        File.WriteAllText(Path.Combine(directory, "coldstart.md"), report);
        Console.WriteLine(report);

        var csv = new StringBuilder();
        csv.AppendLine(c, $"variant,round,spawn_to_answer_ms,class,probability,{string.Join(',', s_childKeys)},error");
        foreach (Spawn s in spawns)
        {
            csv.AppendLine(c, $"{s.Variant.Name},{s.Round},{s.SpawnToAnswerMs:F3},{s.Values.GetValueOrDefault("class")},{s.Values.GetValueOrDefault("probability")},{string.Join(',', s_childKeys.Select(k => s.Values.GetValueOrDefault(k)))},\"{s.Error?.Replace('"', '\'')}\"");
        }

        File.WriteAllText(Path.Combine(directory, "coldstart.csv"), csv.ToString());
    }

    /// <summary>Whether every process of every engine gave the same class, and each engine's probability range.</summary>
    private static string Answers(IReadOnlyList<Spawn> spawns)
    {
        List<Spawn> ok = spawns.Where(s => s.Error is null).ToList();
        string[] classes = ok.Select(s => s.Values["class"]).Distinct().ToArray();
        string engines = string.Join("; ", ok.GroupBy(s => s.Variant.Engine).Select(g =>
        {
            double[] p = g.Select(s => s.Number("probability")).ToArray();
            return string.Create(CultureInfo.InvariantCulture, $"{g.Key} probability {p.Min():G9} to {p.Max():G9}");
        }));
        return classes.Length == 1
            ? $"every process answered class {classes[0]} ({engines})."
            : $"**the processes disagree**: classes {string.Join(", ", classes)} ({engines}).";
    }

    private static IEnumerable<(Variant Variant, List<Spawn> Ok)> Groups(IReadOnlyList<Variant> variants, IReadOnlyList<Spawn> spawns) =>
        variants.Select(v => (v, spawns.Where(s => s.Variant == v && s.Error is null).ToList())).Where(g => g.Item2.Count > 0);

    private static string Distinct(List<Spawn> spawns, string key) => string.Join(", ", spawns.Select(s => s.Values[key]).Distinct());

    private static double Median(List<Spawn> spawns, string key) => Median(spawns.Select(s => s.Number(key)).ToList());

    private static double Median(List<double> values) => Rank(values, 0.5);

    /// <summary>Nearest rank: the smallest value with at least a fraction p of the values at or below it.</summary>
    private static double Rank(List<double> values, double p)
    {
        List<double> sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count), 1, sorted.Count) - 1];
    }

    private static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
