using System.Globalization;
using System.Reflection;

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

using FastMlp.Benchmarks;
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;
using FastMlp.Peers.Report;
using FastMlp.Peers.Workloads;

namespace FastMlp.Peers;

/// <summary>
/// The suite's command line (README "Peers"):
/// <code>
/// dotnet run -c Release --project perf/FastMlp.Peers [-- run] [--quick | --dry] [--workloads W1,W3] [--out DIR]
/// dotnet run -c Release --project perf/FastMlp.Peers -- report [--run FILE] [--out DIR]
/// dotnet run -c Release --project perf/FastMlp.Peers -- peers
/// dotnet run -c Release --project perf/FastMlp.Peers -- precision-accuracy [--out FILE]
/// </code>
/// A run probes every peer, runs the BenchmarkDotNet cases of the chosen workloads in this process, then the
/// W3 batch-1 latency, W3S HTTP serving and W5 MNIST harnesses (W5 also cold: one child process of this executable per
/// seed, through the hidden command <c>w5-cold-child</c>, <see cref="W5Cold"/>), saves everything as run.json and writes the report and charts.
/// A full run writes into perf/results/&lt;cpu&gt;/ (commit it); --quick and --dry into BenchmarkDotNet.Artifacts/peers/.
/// </summary>
internal static class PeersCommand
{
    private const string Usage =
        "usage: dotnet run -c Release --project perf/FastMlp.Peers -- [run] [--quick | --dry] [--workloads W1,W2,W3,W3S,W4,W5] [--out DIR] [--require PEERS] [--openblas-core NAME]\n" +
        "       dotnet run -c Release --project perf/FastMlp.Peers -- report [--run FILE] [--out DIR]\n" +
        "       dotnet run -c Release --project perf/FastMlp.Peers -- peers\n" +
        "       dotnet run -c Release --project perf/FastMlp.Peers -- precision-accuracy [--out FILE]\n" +
        "  run        (the default) measure, then write run.json, peers.md and the charts\n" +
        "  --quick    a subset of sizes with short iterations, under 5 minutes; not a report to commit\n" +
        "  --dry      every case once, cold (CI): checks that every case loads and agrees; measures nothing\n" +
        "  --workloads  the workloads to run (default all: W1..W5, and W3S: the W3 network served over HTTP on loopback\n" +
        "             by samples/FastMlp.Serve with its Predictor and with ONNX Runtime behind the endpoint)\n" +
        "  --out      where the run's files go (default: perf/results/<cpu>/ for a full run, else BenchmarkDotNet.Artifacts/peers/)\n" +
        "  --require  peers that must load, e.g. torchsharp,onnxruntime (names without spaces, any case); the run still\n" +
        "             measures and reports everything, then exits with 3 if one of them did not load\n" +
        "  --openblas-core  load OpenBLAS with OPENBLAS_CORETYPE=NAME (Haswell: its AVX2 kernels) instead of letting it\n" +
        "             pick; with DOTNET_EnableAVX512=0 in the environment this compares both AVX2 kernels\n" +
        "  report     rebuild peers.md and the charts from a run.json (default: perf/results/<cpu>/run.json)\n" +
        "  peers      print which peers load here, their versions and kernels, or why not\n" +
        "  precision-accuracy  test accuracy and output error per Predictor precision and of ONNX Runtime's int8 graph\n" +
        "             on two MNIST models (perf/FastMlp.Benchmarks' PrecisionAccuracyHarness, with ONNX Runtime's rows)";

    private static readonly string[] s_allWorkloads = ["W1", "W2", "W3", "W3S", "W4", "W5"];

    public static int Run(string[] args)
    {
        string command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        string[] rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        if (command == W5Cold.ChildCommand)
        {
            return W5Cold.RunChild(rest);
        }

        if (command == PrecisionAccuracyHarness.Command)
        {
            return PrecisionAccuracyHarness.Run(rest, OnnxInt8Accuracy.Rows);
        }

        var options = new Options();
        if (command is not ("run" or "report" or "peers"))
        {
            Console.Error.WriteLine($"Unknown command '{command}'.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        // --quick and --dry are flags; HarnessArguments reads the options that take a value.
        if (rest.Contains("--quick") && rest.Contains("--dry"))
        {
            Console.Error.WriteLine("--quick and --dry exclude each other.");
            return 2;
        }

        options.Mode = rest.Contains("--dry") ? RunMode.Dry : rest.Contains("--quick") ? RunMode.Quick : RunMode.Full;
        if (!HarnessArguments.TryApply([.. rest.Where(a => a is not ("--quick" or "--dry"))], Usage, Options.Names, options.Apply, out int exitCode))
        {
            return exitCode;
        }

        return command switch
        {
            "peers" => PrintPeers(),
            "report" => WriteReport(options.RunFile ?? Path.Combine(DefaultOutput(RunMode.Full), RunFileName), options.Output),
            _ => Measure(options, string.Join(' ', args)),
        };
    }

    private const string RunFileName = "run.json";

    private static int PrintPeers()
    {
        foreach (PeerInfo peer in PeerRegistry.ProbeAll())
        {
            Console.WriteLine($"{peer.Name,-14} {(peer.Loaded ? "loaded" : "NOT LOADED"),-10} {peer.Version,-10} {peer.Detail}");
        }

        return 0;
    }

    private static int Measure(Options options, string arguments)
    {
        string output = options.Output ?? DefaultOutput(options.Mode);
        Directory.CreateDirectory(output);
        MachineInfo machine = Machine.Describe(arguments);
        IReadOnlyList<PeerInfo> peers = PeerRegistry.ProbeAll();
        foreach (PeerInfo peer in peers)
        {
            Console.Error.WriteLine($"peer {peer.Name}: {(peer.Loaded ? "loaded" : "NOT LOADED")} {peer.Version} {peer.Detail}");
        }

        Type[] types = [.. typeof(PeersCommand).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<PeerGroupAttribute>() is { } g && options.Workloads.Contains(g.Workload))
            .OrderBy(t => t.GetCustomAttribute<PeerGroupAttribute>()!.Workload, StringComparer.Ordinal)
            .ThenBy(t => t.Name, StringComparer.Ordinal)];
        // BenchmarkDotNet's own logs and exports stay out of perf/results: run.json holds what the report needs.
        IConfig config = PeersConfig.Create(options.Mode, Path.Combine(RepositoryRoot(), "BenchmarkDotNet.Artifacts", "peers", "bdn"));
        Summary[] summaries = types.Length == 0 ? [] : BenchmarkRunner.Run(types, config);
        List<CaseResult> cases = ResultCollector.Collect(types, config, options.Mode, summaries);

        List<LatencyRow> latency = options.Workloads.Contains("W3") ? W3Latency.Measure(options.Mode) : [];
        List<ServeRow> serve = options.Workloads.Contains("W3S") ? W3Serve.Measure(options.Mode) : [];
        (List<MnistRow> mnist, List<MnistColdRow> mnistCold) = options.Workloads.Contains("W5") ? W5Mnist.Measure(options.Mode) : ([], []);

        var run = new RunRecord(machine, options.Mode.ToString(), peers, cases, latency, mnist, serve, mnistCold);
        string runFile = Path.Combine(output, RunFileName);
        run.Save(runFile);
        Console.Error.WriteLine($"Wrote {runFile}");
        int reportExit = WriteReport(runFile, output);

        // A case that failed for a reason other than a peer missing (a mismatch, an exception) fails the run, so CI notices.
        string[] failures = [.. cases.Where(c => c.Status.StartsWith("mismatch", StringComparison.Ordinal) || c.Status.StartsWith("failed", StringComparison.Ordinal))
            .Select(c => $"{c.Group} {c.Case} {c.Threads}T {c.System}: {c.Status}")
            .Concat(latency.Where(r => r.Status.StartsWith("mismatch", StringComparison.Ordinal) || r.Status.StartsWith("failed", StringComparison.Ordinal)).Select(r => $"W3 latency {r.System}: {r.Status}"))
            .Concat(serve.Where(r => r.Status.StartsWith("mismatch", StringComparison.Ordinal) || r.Status.StartsWith("failed", StringComparison.Ordinal)).Select(r => $"W3S {r.System} {r.Body} {r.Clients} clients: {r.Status}"))
            .Concat(mnist.Where(r => r.Status.StartsWith("mismatch", StringComparison.Ordinal)).Select(r => $"W5 {r.System}: {r.Status}"))
            .Concat(mnistCold.Where(r => r.Status != "ok").Select(r => $"W5 cold seed {r.Seed}: {r.Status}"))];
        foreach (string failure in failures)
        {
            Console.Error.WriteLine(failure);
        }

        string[] missing = [.. options.Required.Where(r => !peers.Any(p => p.Loaded && Compact(p.Name) == r))];
        foreach (string peer in missing)
        {
            Console.Error.WriteLine($"Required peer '{peer}' did not load: {peers.FirstOrDefault(p => Compact(p.Name) == peer)?.Detail ?? "no such peer"}");
        }

        return failures.Length > 0 ? 1 : missing.Length > 0 ? 3 : reportExit;
    }

    private static int WriteReport(string runFile, string? output)
    {
        if (!File.Exists(runFile))
        {
            Console.Error.WriteLine($"No run at {runFile}; run the suite first, or pass --run FILE.");
            return 2;
        }

        RunRecord run = RunRecord.Load(runFile);
        string directory = output ?? Path.GetDirectoryName(Path.GetFullPath(runFile))!;
        foreach (string written in PeersReport.Write(run, directory))
        {
            Console.Error.WriteLine($"Wrote {written}");
        }

        return 0;
    }

    /// <summary>perf/results/&lt;cpu&gt;/ of the repository for a full run; BenchmarkDotNet.Artifacts/peers/ otherwise.</summary>
    private static string DefaultOutput(RunMode mode)
    {
        string root = RepositoryRoot();
        return mode == RunMode.Full
            ? Path.Combine(root, "perf", "results", Machine.CpuFolder())
            : Path.Combine(root, "BenchmarkDotNet.Artifacts", "peers");
    }

    /// <summary>The nearest folder holding FastMlp.sln, from the current directory up; the current directory if none.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FastMlp.sln")))
            {
                return d.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>"ONNX Runtime" → "onnxruntime": a peer's name as --require takes it.</summary>
    private static string Compact(string name) => name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private sealed class Options
    {
        public static readonly string[] Names = ["--workloads", "--out", "--run", "--require", "--openblas-core"];

        public string[] Required { get; private set; } = [];

        public RunMode Mode { get; set; } = RunMode.Full;

        public HashSet<string> Workloads { get; private set; } = [.. s_allWorkloads];

        public string? Output { get; private set; }

        public string? RunFile { get; private set; }

        public string? Apply(string name, string value)
        {
            switch (name)
            {
                case "--workloads":
                    string[] chosen = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(w => w.ToUpper(CultureInfo.InvariantCulture))];
                    string? unknown = chosen.FirstOrDefault(w => !s_allWorkloads.Contains(w));
                    if (chosen.Length == 0 || unknown is not null)
                    {
                        return $"--workloads takes a list of {string.Join(',', s_allWorkloads)}; got '{value}'.";
                    }

                    Workloads = [.. chosen];
                    return null;
                case "--out":
                    Output = value;
                    return null;
                case "--openblas-core":
                    Peers.OpenBlas.CoreType = value;
                    return null;
                case "--require":
                    Required = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Compact)];
                    return null;
                default:
                    RunFile = value;
                    return null;
            }
        }
    }
}
