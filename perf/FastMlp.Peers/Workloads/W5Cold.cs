using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W5 cold (issue 13: "a cold W5, a new process with no warm-up, ≤ 1.2× the warm time"). Per seed, right after the
/// warm rows of that seed, the parent starts a new process of this same executable with the hidden command
/// <c>w5-cold-child --seed N --epochs E --spawned TICKS</c> and the runtime's default JIT
/// (<see cref="DefaultJitEnvironment"/>: tiered compilation and tiered PGO on, where the suite itself runs with
/// tiering off, so the warm rows hide exactly this cost). The child loads the bundled digits and runs
/// <see cref="W5Mnist.TrainFastMlp"/>, the warm row's own method, timing the same region (Trainer.Fit alone) with no
/// warm-up of FastMlp; only the timing harness's two methods are called once before (<see cref="TimedRegion"/>), so the
/// region holds no JIT of the harness, as the warm row's does not. It then prints one <see cref="ChildLine"/> on stdout.
/// The parent sets it beside the warm row: the ratio, both rows' epoch times, the test accuracies and whether the trained
/// parameters are bit-identical (training is deterministic per seed and thread count, so a difference is a mismatch),
/// and times the process as its user sees it, from just before Process.Start to the line.
/// </summary>
internal static class W5Cold
{
    public const string ChildCommand = "w5-cold-child";

    private const string Tag = "w5-cold";

    private const string ChildUsage = "usage (run by the suite's W5): FastMlp.Peers " + ChildCommand + " --seed N --epochs E --spawned STOPWATCH_TICKS";

    /// <summary>Far above a cold fit's seconds: a child that has not answered by then is killed and its row failed.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    /// <summary>One cold child for <paramref name="seed"/>, its row beside <paramref name="warm"/>, the warm fit of the same seed and epochs.</summary>
    public static MnistColdRow Measure(int seed, int epochs, FastMlpFit warm)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under `dotnet FastMlp.Peers.dll` the process is the muxer, which needs the assembly; the apphost does not.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(W5Cold).Assembly.Location);
        }

        foreach (string argument in (string[])[ChildCommand, "--seed", Invariant(seed), "--epochs", Invariant(epochs), "--spawned"])
        {
            start.ArgumentList.Add(argument);
        }

        DefaultJitEnvironment.Apply(start.Environment);
        long spawned = Stopwatch.GetTimestamp();
        start.ArgumentList.Add(Invariant(spawned));
        try
        {
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null.");
            Task<string> errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(s_timeout);
            var output = new StringBuilder();
            double processSeconds = double.NaN;
            try
            {
                while (process.StandardOutput.ReadLineAsync(timeout.Token).AsTask().GetAwaiter().GetResult() is string line)
                {
                    if (line.StartsWith(Tag + " ", StringComparison.Ordinal))
                    {
                        processSeconds = Stopwatch.GetElapsedTime(spawned).TotalSeconds;
                    }

                    output.AppendLine(line);
                }

                process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return Failed(seed, epochs, warm, $"no exit within {s_timeout.TotalMinutes} minutes; stdout '{output.ToString().Trim()}'");
            }

            return process.ExitCode == 0
                ? Row(seed, epochs, warm, ChildLine.Parse(Tag, output.ToString()), processSeconds)
                : Failed(seed, epochs, warm, $"exit code {process.ExitCode}; stdout '{output.ToString().Trim()}'; stderr '{errors.GetAwaiter().GetResult().Trim()}'");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return Failed(seed, epochs, warm, e.Message);
        }
    }

    /// <summary>The child: what is described above; returns its exit code.</summary>
    public static int RunChild(string[] args)
    {
        long main = Stopwatch.GetTimestamp();
        int seed = 0, epochs = 0;
        long spawned = main;
        if (!HarnessArguments.TryApply(args, ChildUsage, ["--seed", "--epochs", "--spawned"], (name, value) => name switch
            {
                "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out seed) => null,
                "--epochs" when int.TryParse(value, CultureInfo.InvariantCulture, out epochs) && epochs > 0 => null,
                "--spawned" when long.TryParse(value, CultureInfo.InvariantCulture, out spawned) => null,
                _ => $"{name} takes an integer (--epochs: at least 1); got '{value}'.",
            }, out int exitCode))
        {
            return exitCode;
        }

        if (epochs == 0)
        {
            Console.Error.WriteLine("--epochs is required.");
            Console.Error.WriteLine(ChildUsage);
            return 2;
        }

        TimedRegion.Start().Stop();
        long loading = Stopwatch.GetTimestamp();
        (Dataset train, Dataset test) = MnistSubset.Load();
        double loadSeconds = Stopwatch.GetElapsedTime(loading).TotalSeconds;
        FastMlpFit fit = W5Mnist.TrainFastMlp(train, test, seed, epochs);
        // This thread's count first, then every thread's, so the difference (the other threads': tier-1 rejits) is never negative.
        long jitTrainingThread = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        double jitMilliseconds = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        Console.WriteLine(ChildLine.Format(Tag,
        [
            ("seed", seed),
            ("epochs", epochs),
            ("fit_s", fit.Row.Seconds),
            ("epoch_s", fit.EpochSeconds),
            ("first_to_last_speed", fit.FirstToLastEpochSpeed),
            ("accuracy", fit.Row.TestAccuracy),
            ("parameters_sha256", fit.ParametersHash),
            ("allocated_bytes", fit.Row.AllocatedBytes),
            ("fit_jit_methods", fit.FitJitMethods),
            ("fit_jit_ms", fit.FitJitMilliseconds),
            ("startup_s", Stopwatch.GetElapsedTime(spawned, main).TotalSeconds),
            ("load_s", loadSeconds),
            ("jit_methods", jitMethods),
            ("jit_background_methods", jitMethods - jitTrainingThread),
            ("jit_ms", jitMilliseconds),
            ("server_gc", GCSettings.IsServerGC),
            ("gc_latency", GCSettings.LatencyMode),
        ]));
        return 0;
    }

    private static MnistColdRow Row(int seed, int epochs, FastMlpFit warm, ChildLine child, double processSeconds)
    {
        double cold = child.Number("fit_s");
        double accuracy = child.Number("accuracy");
        bool same = child.Text("parameters_sha256") == warm.ParametersHash;
        string status = same && accuracy == warm.Row.TestAccuracy
            ? "ok"
            : string.Create(CultureInfo.InvariantCulture,
                $"mismatch: the cold process trained {(same ? "the same" : "other")} parameters (SHA-256 {child.Text("parameters_sha256")}, warm {warm.ParametersHash}) to {accuracy * 100:F2}% test accuracy, warm {warm.Row.TestAccuracy * 100:F2}%");
        return new MnistColdRow(seed, epochs, cold, warm.Row.Seconds, cold / warm.Row.Seconds,
            child.Numbers("epoch_s"), warm.EpochSeconds, child.Number("first_to_last_speed"), warm.FirstToLastEpochSpeed,
            processSeconds, child.Number("startup_s"), child.Number("load_s"), accuracy, warm.Row.TestAccuracy, same,
            (long)child.Number("fit_jit_methods"), child.Number("fit_jit_ms"), warm.FitJitMethods,
            (long)child.Number("jit_methods"), (long)child.Number("jit_background_methods"), child.Number("jit_ms"), (long)child.Number("allocated_bytes"),
            $"{DefaultJitEnvironment.Describe()} and no other JIT knob; {(child.Text("server_gc") == bool.TrueString ? "Server" : "workstation")} GC, latency mode {child.Text("gc_latency")}", status);
    }

    private static MnistColdRow Failed(int seed, int epochs, FastMlpFit warm, string why) =>
        new(seed, epochs, double.NaN, warm.Row.Seconds, double.NaN, [], warm.EpochSeconds, double.NaN, warm.FirstToLastEpochSpeed,
            double.NaN, double.NaN, double.NaN, double.NaN, warm.Row.TestAccuracy, false, 0, double.NaN, warm.FitJitMethods, 0, 0, double.NaN, 0,
            $"{DefaultJitEnvironment.Describe()} and no other JIT knob", $"failed: the cold W5 child for seed {seed}: {why}");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
