// Spawns the children and times them as a user sees them: from just before Process.Start to the moment the
// parent has read the child's "answer" line from its stdout pipe. The child gets that same start timestamp
// (Stopwatch ticks, CLOCK_MONOTONIC, one clock for every process) so it can say how much of it was runtime
// start-up before Main. The variants alternate process by process, so the shared cores' noise hits all alike.
using System.Diagnostics;
using System.Globalization;

namespace FastMlp.ColdStart;

/// <summary>One child process: its spawn→answer time, what it printed (key=value), or why it failed.</summary>
internal sealed record Spawn(Variant Variant, int Round, double SpawnToAnswerMs, IReadOnlyDictionary<string, string> Values, string? Error)
{
    public double Number(string key) => double.Parse(Values[key], CultureInfo.InvariantCulture);
}

internal static class Spawner
{
    /// <summary>The settings a parent's environment could leak into a child: removed, then the variant's own are set.</summary>
    private static readonly string[] s_runtimeKnobs = ["TieredCompilation", "TieredPGO", "TC_", "ReadyToRun", "TieredCompilation_QuickJit", "OSR_", "EnableAVX", "EnableHWIntrinsic", "JitStdOutFile", "JitDisasm"];

    /// <summary>
    /// One untimed round (round 0: page cache, and each variant shown to run), then <paramref name="processes"/>
    /// rounds of one process per variant, round r starting at variant r. A variant whose process fails is not run
    /// again; its failure is its spawn's Error.
    /// </summary>
    public static IReadOnlyList<Spawn> Alternate(IReadOnlyList<Variant> variants, int processes, string warmupMs)
    {
        var spawns = new List<Spawn>();
        var failed = new HashSet<Variant>();
        for (int round = 0; round <= processes; round++)
        {
            for (int i = 0; i < variants.Count; i++)
            {
                Variant variant = variants[(round + i) % variants.Count];
                if (failed.Contains(variant))
                {
                    continue;
                }

                Spawn spawn = Run(variant, round, warmupMs);
                Console.Error.WriteLine(spawn.Error is null
                    ? string.Create(CultureInfo.InvariantCulture, $"round {round,2} {variant.Name,-16} spawn→answer {spawn.SpawnToAnswerMs,7:F1} ms  first1000 {spawn.Values["first1000_median_us"],8} µs  steady {spawn.Values["steady_median_us"],8} µs")
                    : $"round {round,2} {variant.Name,-16} FAILED: {spawn.Error}");
                if (spawn.Error is not null)
                {
                    failed.Add(variant);
                    spawns.Add(spawn);
                }
                else if (round > 0)
                {
                    spawns.Add(spawn);
                }
            }
        }

        return spawns;
    }

    private static Spawn Run(Variant variant, int round, string warmupMs)
    {
        var start = new ProcessStartInfo(variant.Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in variant.Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in start.Environment.Keys.Where(k => s_runtimeKnobs.Any(knob => k.StartsWith("DOTNET_" + knob, StringComparison.Ordinal))).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in variant.Environment)
        {
            start.Environment[name] = value;
        }

        long spawned = Stopwatch.GetTimestamp();
        start.ArgumentList.Add(spawned.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(warmupMs);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{variant.Name}: Process.Start returned null");
        string? answer = process.StandardOutput.ReadLine();
        double spawnToAnswerMs = Stopwatch.GetElapsedTime(spawned).TotalMilliseconds;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string? result = process.StandardOutput.ReadLine();
        process.WaitForExit();
        foreach (string? line in new[] { answer, result })
        {
            foreach (string pair in (line ?? "").Split(' ').Skip(1))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                values[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        string? error = process.ExitCode != 0 || answer?.StartsWith("answer ", StringComparison.Ordinal) != true || result?.StartsWith("result ", StringComparison.Ordinal) != true
            ? $"exit code {process.ExitCode}, stdout {answer} / {result}, stderr {errors.Result.Trim()}"
            : null;
        return new Spawn(variant, round, spawnToAnswerMs, values, error);
    }
}
