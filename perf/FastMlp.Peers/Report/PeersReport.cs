using System.Globalization;
using System.Text;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Report;

/// <summary>
/// peers.md and the charts from one <see cref="RunRecord"/>: the machine and peers, a headline of FastMlp's ratio
/// to the best peer per table, then every table with each system's figure, median time and allocations per
/// operation, and the rows that did not run with their reason. Reads nothing but the run.
/// </summary>
internal static class PeersReport
{
    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    /// <summary>Writes peers.md and the PNG charts into <paramref name="directory"/>; returns the paths written.</summary>
    public static IEnumerable<string> Write(RunRecord run, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        string markdown = Path.Combine(directory, "peers.md");
        File.WriteAllText(markdown, Markdown(run));
        written.Add(markdown);
        written.AddRange(Charts.Write(run, directory));
        return written;
    }

    public static string Markdown(RunRecord run)
    {
        var text = new StringBuilder();
        MachineInfo m = run.Machine;
        text.AppendLine(s_c, $"# FastMlp and its peers on {m.CpuFolder}");
        text.AppendLine();
        text.AppendLine(s_c, $"- Machine: {m.Cpu}, {m.Cores} cores; {m.Os}; {m.Runtime}; measured fp32 FMA peak {m.PeakGflopsPerCore:F0} GFLOP/s per core");
        text.AppendLine(s_c, $"- Commit {m.Commit}, {m.DateUtc:yyyy-MM-dd HH:mm} UTC, {run.Mode} run: `dotnet run -c Release --project perf/FastMlp.Peers{(m.Arguments.Length == 0 ? "" : " -- " + m.Arguments)}`");
        if (run.Mode != nameof(RunMode.Full))
        {
            text.AppendLine(s_c, $"- **A {run.Mode.ToLowerInvariant()} run: {(run.Mode == nameof(RunMode.Dry) ? "every case once, cold; these figures measure nothing" : "a subset of sizes with short iterations; a first look, not a report to commit")}.**");
        }

        text.AppendLine("- Each figure comes from the median of BenchmarkDotNet's timed iterations, every system in this one process, alternated case by case; allocations are the managed bytes one operation allocates on every thread of the process, measured exactly in each case's setup over up to 16 calls (BenchmarkDotNet's [MemoryDiagnoser] figure, kept in run.json, carries its in-process engine's own few KiB per iteration); native memory is not counted. Ratios are FastMlp / best peer with higher meaning FastMlp is faster, whatever the unit.");
        text.AppendLine();
        AppendPeers(text, run);
        AppendHeadline(text, run);
        foreach (IGrouping<string, CaseResult> group in run.Cases.GroupBy(c => c.Group))
        {
            AppendTable(text, group);
        }

        AppendLatency(text, run.Latency);
        AppendServe(text, run.Serve ?? [], m.Cores);
        AppendMnist(text, run.Mnist);
        AppendMnistCold(text, run.MnistCold ?? []);
        return text.ToString();
    }

    private static void AppendPeers(StringBuilder text, RunRecord run)
    {
        text.AppendLine("## Peers");
        text.AppendLine();
        text.AppendLine("| peer | loaded | version | what it runs, or why it did not load |");
        text.AppendLine("|---|---|---|---|");
        foreach (PeerInfo peer in run.Peers)
        {
            text.AppendLine(s_c, $"| {peer.Name} | {(peer.Loaded ? "yes" : "**no**")} | {peer.Version} | {Escape(peer.Detail)} |");
        }

        text.AppendLine();
    }

    /// <summary>Per table and thread count: the geometric mean, worst and best of FastMlp / best peer over its rows.</summary>
    private static void AppendHeadline(StringBuilder text, RunRecord run)
    {
        text.AppendLine("## Headline: FastMlp / best peer (above 1: FastMlp is faster)");
        text.AppendLine();
        text.AppendLine("| table | threads | rows | geometric mean | worst row | best row |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (IGrouping<(string Group, int Threads), CaseResult> table in run.Cases.GroupBy(c => (c.Group, c.Threads)))
        {
            Metric metric = Metric.For(table.First().Workload);
            List<(string Case, double Ratio, string Peer)> ratios = [.. Rows(table)
                .Select(r => (r.Key, Best: BestPeer(r, metric), FastMlp: r.FirstOrDefault(c => c.System == Systems.FastMlp && c.MedianNs is not null)))
                .Where(r => r.Best is not null && r.FastMlp is not null)
                .Select(r => (r.Key, metric.Advantage(metric.Value(r.FastMlp!), metric.Value(r.Best!)), Systems.Display(r.Best!.System)))];
            if (ratios.Count == 0)
            {
                continue;
            }

            double geometricMean = Math.Exp(ratios.Average(r => Math.Log(r.Ratio)));
            (string Case, double Ratio, string Peer) worst = ratios.MinBy(r => r.Ratio);
            (string Case, double Ratio, string Peer) best = ratios.MaxBy(r => r.Ratio);
            text.AppendLine(s_c, $"| {table.Key.Group} | {table.Key.Threads} | {ratios.Count} | **{geometricMean:F2}×** | {worst.Ratio:F2}× ({worst.Case}, vs {worst.Peer}) | {best.Ratio:F2}× ({best.Case}, vs {best.Peer}) |");
        }

        AppendLatencyHeadline(text, run.Latency);
        AppendServeHeadline(text, run.Serve ?? []);
        AppendMnistHeadline(text, run.Mnist);
        text.AppendLine();
    }

    private static void AppendTable(StringBuilder text, IGrouping<string, CaseResult> group)
    {
        Metric metric = Metric.For(group.First().Workload);
        string[] systems = [.. group.Select(c => c.System).Distinct()];
        string[] peers = [.. systems.Where(IsPeer)];
        text.AppendLine(s_c, $"## {group.Key} ({metric.Unit}, {(metric.HigherIsBetter ? "higher" : "lower")} is better)");
        text.AppendLine();
        text.AppendLine("Each cell: the figure, then the median time and the managed bytes allocated per operation.");
        text.AppendLine();
        foreach (IGrouping<int, CaseResult> threads in group.GroupBy(c => c.Threads))
        {
            text.AppendLine(s_c, $"{threads.Key} thread{(threads.Key == 1 ? "" : "s")}:");
            text.AppendLine();
            text.Append("| case | ");
            text.Append(string.Join(" | ", systems.Select(Systems.Display)));
            // A ratio column per FastMlp system of the table; a reduced-precision one's is to the best reduced-precision peer.
            string[] own = [.. systems.Where(Systems.IsFastMlp).DefaultIfEmpty(Systems.FastMlp)];
            text.AppendLine(peers.Length == 0 ? " |" : $" | best peer | {string.Join(" | ", own.Select(o => $"{RatioName(o)} / best {(Systems.IsReducedPrecision(o) ? "reduced-precision " : "")}peer"))} |");
            text.Append("|---|");
            text.Append(string.Concat(systems.Select(_ => "---|")));
            text.AppendLine(peers.Length == 0 ? "" : string.Concat(Enumerable.Repeat("---|", own.Length + 1)));
            foreach (IGrouping<string, CaseResult> row in Rows(threads))
            {
                text.Append(s_c, $"| {row.Key} | ");
                text.Append(string.Join(" | ", systems.Select(s => Cell(row.FirstOrDefault(c => c.System == s), metric))));
                if (peers.Length > 0)
                {
                    CaseResult? best = BestPeer(row, metric);
                    text.Append(best is null ? " | -" : $" | {Systems.Display(best.System)}");
                    foreach (string system in own)
                    {
                        CaseResult? ours = row.FirstOrDefault(c => c.System == system && c.MedianNs is not null);
                        CaseResult? theirs = BestPeer(row, metric, system);
                        text.Append(theirs is null || ours is null ? " | -" : string.Create(s_c, $" | **{metric.Advantage(metric.Value(ours), metric.Value(theirs)):F2}×**"));
                    }
                }

                text.AppendLine(" |");
            }

            text.AppendLine();
        }

        foreach (CaseResult missing in group.Where(c => c.Status != "ok").DistinctBy(c => (c.System, c.Status)))
        {
            text.AppendLine(s_c, $"- {Systems.Display(missing.System)}: {Escape(missing.Status)}");
        }

        text.AppendLine();
    }

    private static void AppendLatencyHeadline(StringBuilder text, IReadOnlyList<LatencyRow> rows)
    {
        foreach (IGrouping<int, LatencyRow> threads in rows.GroupBy(r => r.Threads))
        {
            (LatencyRow? fastMlp, LatencyRow? best) = FastMlpAndBestPeer(threads);
            if (fastMlp is not null && best is not null)
            {
                text.AppendLine(s_c, $"| W3 batch-1 latency, median | {threads.Key} | 1 | **{best.MedianUs / fastMlp.MedianUs:F2}×** | {fastMlp.MedianUs:F2} µs vs {best.MedianUs:F2} µs ({Systems.Display(best.System)}) | p99: {fastMlp.P99Us:F2} vs {best.P99Us:F2} µs |");
            }
        }
    }

    private static void AppendMnistHeadline(StringBuilder text, IReadOnlyList<MnistRow> rows)
    {
        List<MnistRow> fastMlp = [.. rows.Where(r => r.System == Systems.FastMlp && r.Status == "ok")];
        List<MnistRow> torch = [.. rows.Where(r => r.System == Systems.Torch && r.Status == "ok")];
        if (fastMlp.Count > 0 && torch.Count > 0)
        {
            text.AppendLine(s_c, $"| W5 MNIST, 10 epochs | 1 | {fastMlp.Count} seeds | **{Median(torch.Select(r => r.Seconds)) / Median(fastMlp.Select(r => r.Seconds)):F2}×** | {Median(fastMlp.Select(r => r.Seconds)):F3} s vs {Median(torch.Select(r => r.Seconds)):F3} s (TorchSharp), medians | accuracy {fastMlp.Average(r => r.TestAccuracy) * 100:F2}% vs {torch.Average(r => r.TestAccuracy) * 100:F2}% |");
        }
    }

    private static void AppendLatency(StringBuilder text, IReadOnlyList<LatencyRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        text.AppendLine("## W3 batch-1 latency (µs per call, lower is better)");
        text.AppendLine();
        text.AppendLine("One 784-float input to 10 probabilities per call, every call timed on its own; systems interleaved in rounds.");
        text.AppendLine();
        text.AppendLine("| system | threads | calls | median | p99 | p99.9 | max | allocated per call | best peer median / this median (FastMlp's rows; a reduced-precision row's: the best reduced-precision peer's) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (IGrouping<int, LatencyRow> threads in rows.GroupBy(r => r.Threads))
        {
            foreach (LatencyRow r in threads)
            {
                LatencyRow? best = threads.Where(p => Systems.Compares(r.System, p.System) && p.Status == "ok").MinBy(p => p.MedianUs);
                string ratio = Systems.IsFastMlp(r.System) && r.Status == "ok" && best is not null
                    ? string.Create(s_c, $"**{best.MedianUs / r.MedianUs:F2}×** (vs {Systems.Display(best.System)})")
                    : "";
                text.AppendLine(r.Status == "ok"
                    ? string.Create(s_c, $"| {Systems.Display(r.System)} | {r.Threads} | {r.Calls:N0} | {r.MedianUs:F2} | {r.P99Us:F2} | {r.P999Us:F2} | {r.MaxUs:F1} | {Bytes(r.AllocatedBytesPerCall)} | {ratio} |")
                    : string.Create(s_c, $"| {Systems.Display(r.System)} | {r.Threads} | - | - | - | - | - | - | {Escape(r.Status)} |"));
            }
        }

        text.AppendLine();
    }

    /// <summary>Per body: the geometric mean, worst and best of the Predictor's requests/s over ONNX Runtime's, over the client counts.</summary>
    private static void AppendServeHeadline(StringBuilder text, IReadOnlyList<ServeRow> rows)
    {
        foreach (IGrouping<string, ServeRow> body in rows.GroupBy(r => r.Body))
        {
            List<(int Clients, double Ratio)> ratios = [.. ServeCells(body)
                .Where(c => c.Predictor?.Status == "ok" && c.Onnx?.Status == "ok")
                .Select(c => (c.Clients, c.Predictor!.RequestsPerSecond / c.Onnx!.RequestsPerSecond))];
            if (ratios.Count > 0)
            {
                (int Clients, double Ratio) worst = ratios.MinBy(r => r.Ratio), best = ratios.MaxBy(r => r.Ratio);
                text.AppendLine(s_c, $"| W3 over HTTP ({body.Key} body), requests/s: the serving sample with its Predictor / with ONNX Runtime | 1 | {ratios.Count} | **{Math.Exp(ratios.Average(r => Math.Log(r.Ratio))):F2}×** | {worst.Ratio:F2}× ({Clients(worst.Clients)}) | {best.Ratio:F2}× ({Clients(best.Clients)}) |");
            }
        }
    }

    private static void AppendServe(StringBuilder text, IReadOnlyList<ServeRow> rows, int cores)
    {
        if (rows.Count == 0)
        {
            return;
        }

        text.AppendLine("## W3 served over HTTP on loopback (batch 1; requests/s higher is better, latency in µs lower is better)");
        text.AppendLine();
        text.AppendLine(s_c, $"POST /predict of one 784-float row (16 seeded rows in turn) to samples/FastMlp.Serve's service: the same Kestrel host, request parsing, checks and JSON answer (ServeApp, PredictEndpoint), with FastMlp's Predictor behind the endpoint (the model file through the DI package's ModelPredictor, as the sample runs) or ONNX Runtime (one session, Run over OrtValues wrapping the request's arrays); one thread per request in both. Before timing, each server's answer to every row in both bodies is checked against FastMlp's Network.Predict, and every timed answer must equal those bytes (a failed row counts the ones that did not). The load is closed-loop: each client (one HttpClient with SocketsHttpHandler per server, HTTP/1.1, one pooled connection per client) sends its next request when its last is answered, in rounds bounded by a request count and a duration, the two servers' rounds alternating within each row; latency is per request at the client (nearest rank). **Both servers and the load generator run in this one process and share its {cores} cores**: the client's work (building requests, reading answers) competes with the server's for them at every client count and is inside every figure. The process ran {rows[0].Process} (the suite's settings; the sample on its own runs Server GC, the Web SDK's default).");
        text.AppendLine();
        text.AppendLine("| body | clients | Predictor requests/s | p50 | p99 | ONNX Runtime requests/s | p50 | p99 | Predictor / ONNX Runtime (requests/s) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (IGrouping<string, ServeRow> body in rows.GroupBy(r => r.Body))
        {
            foreach ((int clients, ServeRow? predictor, ServeRow? onnx) in ServeCells(body))
            {
                string ratio = predictor?.Status == "ok" && onnx?.Status == "ok"
                    ? string.Create(s_c, $"**{predictor.RequestsPerSecond / onnx.RequestsPerSecond:F2}×**")
                    : "-";
                text.AppendLine(s_c, $"| {body.Key} | {clients} | {ServeCell(predictor)} | {ServeCell(onnx)} | {ratio} |");
            }
        }

        text.AppendLine();
        foreach (ServeRow missing in rows.Where(r => r.Status != "ok").DistinctBy(r => (r.System, r.Status)))
        {
            text.AppendLine(s_c, $"- {Systems.Display(missing.System)} behind the endpoint: {Escape(missing.Status)}");
        }

        text.AppendLine();
    }

    private static string Clients(int clients) => string.Create(s_c, $"{clients} client{(clients == 1 ? "" : "s")}");

    /// <summary>Per client count of one body, the Predictor's row and ONNX Runtime's.</summary>
    private static IEnumerable<(int Clients, ServeRow? Predictor, ServeRow? Onnx)> ServeCells(IEnumerable<ServeRow> body) =>
        body.GroupBy(r => r.Clients).Select(g => (g.Key, g.FirstOrDefault(r => r.System == Systems.Predictor), g.FirstOrDefault(r => r.System == Systems.OrtRun)));

    /// <summary>Three cells: requests/s, p50, p99; a row that was not timed says why in the first (a failed row keeps its figures).</summary>
    private static string ServeCell(ServeRow? r) => r switch
    {
        null => "- | - | -",
        { Requests: > 0 } => string.Create(s_c, $"{r.RequestsPerSecond:N0}{(r.Status == "ok" ? "" : " (failed)")} | {r.P50Us:F0} | {r.P99Us:F0}"),
        _ => $"{(r.Status.StartsWith("not loaded", StringComparison.Ordinal) ? "not loaded" : r.Status.Split(':')[0])} | - | -",
    };

    private static void AppendMnist(StringBuilder text, IReadOnlyList<MnistRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        text.AppendLine("## W5 MNIST: 784-128-10, SGD lr 0.1, batch 32, 10 epochs, 1 thread (wall seconds, lower is better)");
        text.AppendLine();
        text.AppendLine("Same initial weights per seed (the FastMlp network copied into torch.nn), same hyperparameters; timed: shuffling, batch gathering and the steps.");
        text.AppendLine();
        text.AppendLine("| system | seed | wall s | test accuracy | allocated during training | status |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (MnistRow r in rows.OrderBy(r => r.System, StringComparer.Ordinal).ThenBy(r => r.Seed))
        {
            text.AppendLine(r.Status == "ok"
                ? string.Create(s_c, $"| {Systems.Display(r.System)} | {r.Seed} | {r.Seconds:F3} | {r.TestAccuracy * 100:F2}% | {Bytes(r.AllocatedBytes)} | ok |")
                : string.Create(s_c, $"| {Systems.Display(r.System)} | {r.Seed} | - | - | - | {Escape(r.Status)} |"));
        }

        text.AppendLine();
    }

    private static void AppendMnistCold(StringBuilder text, IReadOnlyList<MnistColdRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        text.AppendLine("## W5 cold: FastMlp in a new process per seed, no warm-up, the runtime's default JIT (wall seconds, lower is better)");
        text.AppendLine();
        text.AppendLine(s_c, $"Right after each seed's warm rows above, the suite starts a new process of itself (`w5-cold-child`) with tiered compilation and tiered PGO on, as a user's application runs, where the suite runs with tiered compilation off ({rows[0].Process}). It loads the digits and runs the warm row's own code, timing the same region (Trainer.Fit alone, {rows[0].Epochs} epoch{(rows[0].Epochs == 1 ? "" : "s")}) with no warm-up. Cold / warm divides its time by the warm row's of the same seed from this run. First epoch: from the Fit call to the end of the first epoch; every epoch's seconds, cold and warm, follow the table. Process: from just before Process.Start to the child's answer line, as the parent's clock sees it (runtime start-up, loading the digits, building the network, the fit, the test evaluation); start-up: to the child's first line of its command. Same parameters: the SHA-256 of the trained parameters' bytes equals the warm row's. JIT in the fit: the methods the training thread compiled inside the timed region and its milliseconds compiling them, cold (the warm rows' fits compiled the number after the slash). JIT in the process: the methods the child compiled before its line (each tier's version counts), of them off the training thread (tier-1 rejits in the background), and the JIT's time on all threads.");
        text.AppendLine();
        text.AppendLine("| seed | cold s | warm s | cold / warm | first epoch cold s | first epoch warm s | first / last epoch speed, cold | warm | process s | start-up s | loading s | test accuracy cold | warm | same parameters | JIT in the fit: methods (warm), ms | JIT in the process: methods (background), ms | status |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (MnistColdRow r in rows.OrderBy(r => r.Seed))
        {
            text.AppendLine(r.Status.StartsWith("failed", StringComparison.Ordinal)
                ? string.Create(s_c, $"| {r.Seed} | - | {r.WarmSeconds:F3} | - | - | {r.WarmEpochSeconds[0]:F3} | - | {r.WarmFirstToLastEpochSpeed:F2}× | - | - | - | - | {r.WarmTestAccuracy * 100:F2}% | - | - | - | {Escape(r.Status)} |")
                : string.Create(s_c, $"| {r.Seed} | {r.ColdSeconds:F3} | {r.WarmSeconds:F3} | **{r.Ratio:F2}×** | {r.ColdEpochSeconds[0]:F3} | {r.WarmEpochSeconds[0]:F3} | {r.ColdFirstToLastEpochSpeed:F2}× | {r.WarmFirstToLastEpochSpeed:F2}× | {r.ProcessSeconds:F3} | {r.StartupSeconds:F3} | {r.LoadSeconds:F3} | {r.ColdTestAccuracy * 100:F2}% | {r.WarmTestAccuracy * 100:F2}% | {(r.SameParameters ? "yes" : "**no**")} | {r.ColdFitJitMethods:N0} ({r.WarmFitJitMethods:N0}), {r.ColdFitJitMilliseconds:F0} | {r.JitMethods:N0} ({r.JitBackgroundMethods:N0}), {r.JitMilliseconds:F0} | {Escape(r.Status)} |"));
        }

        List<MnistColdRow> timed = [.. rows.Where(r => !r.Status.StartsWith("failed", StringComparison.Ordinal))];
        if (timed.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Each epoch's seconds:");
            text.AppendLine();
            foreach (MnistColdRow r in timed.OrderBy(r => r.Seed))
            {
                text.AppendLine(s_c, $"- seed {r.Seed}: cold {string.Join(", ", r.ColdEpochSeconds.Select(e => e.ToString("F3", s_c)))}; warm {string.Join(", ", r.WarmEpochSeconds.Select(e => e.ToString("F3", s_c)))}");
            }

            text.AppendLine();
            text.AppendLine(s_c, $"**Median cold / warm over {timed.Count} seed{(timed.Count == 1 ? "" : "s")}: {Median(timed.Select(r => r.Ratio)):F2}×** (range {timed.Min(r => r.Ratio):F2}-{timed.Max(r => r.Ratio):F2}×; issue 13's target: ≤ 1.2×); median cold {Median(timed.Select(r => r.ColdSeconds)):F3} s, warm {Median(timed.Select(r => r.WarmSeconds)):F3} s; median process {Median(timed.Select(r => r.ProcessSeconds)):F3} s. Parameters bit-identical to the warm rows': {timed.Count(r => r.SameParameters)} of {timed.Count} seeds.");
        }

        text.AppendLine();
    }

    /// <summary>FastMlp's timed latency row and the timed peer row with the lowest median, of one thread count.</summary>
    private static (LatencyRow? FastMlp, LatencyRow? Best) FastMlpAndBestPeer(IEnumerable<LatencyRow> rows) =>
        (rows.FirstOrDefault(r => r.System == Systems.FastMlp && r.Status == "ok"),
         rows.Where(r => Systems.IsPeer(r.System) && r.Status == "ok").MinBy(r => r.MedianUs));

    /// <summary>The rows of a table in the order the run produced them.</summary>
    private static IEnumerable<IGrouping<string, CaseResult>> Rows(IEnumerable<CaseResult> cases) => cases.GroupBy(c => c.Case);

    /// <summary>The peer with the best figure in a row; FastMlp and W4's scalar floor are not peers.</summary>
    private static CaseResult? BestPeer(IEnumerable<CaseResult> row, Metric metric) => BestPeer(row, metric, Systems.FastMlp);

    /// <summary>The peer with the best figure in a row among those the report compares <paramref name="own"/> with (<see cref="Systems.Compares"/>).</summary>
    private static CaseResult? BestPeer(IEnumerable<CaseResult> row, Metric metric, string own) =>
        row.Where(c => Systems.Compares(own, c.System) && c.MedianNs is not null)
            .Aggregate((CaseResult?)null, (best, c) => best is null || metric.Beats(metric.Value(c), metric.Value(best)) ? c : best);

    private static bool IsPeer(string system) => Systems.IsPeer(system);

    /// <summary>A FastMlp system's name in a ratio column's header: "FastMlp", "Predictor", "Predictor int8".</summary>
    private static string RatioName(string system) => system == Systems.FastMlp ? "FastMlp" : Systems.Display(system)["FastMlp ".Length..];

    private static string Cell(CaseResult? c, Metric metric) => c switch
    {
        null => "",
        { MedianNs: double median } => $"{metric.Show(metric.Value(c))}<br>{Time(median)} · {(c.AllocatedBytesPerCall is double exact ? Bytes(exact) : $"{Bytes(c.AllocatedBytes ?? 0)} (BDN)")}",
        _ => c.Status.StartsWith("not loaded", StringComparison.Ordinal) ? "not loaded" : c.Status.Split(':')[0],
    };

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => string.Create(s_c, $"{nanoseconds:F1} ns"),
        < 1e6 => string.Create(s_c, $"{nanoseconds / 1e3:F2} µs"),
        < 1e9 => string.Create(s_c, $"{nanoseconds / 1e6:F2} ms"),
        _ => string.Create(s_c, $"{nanoseconds / 1e9:F2} s"),
    };

    private static string Bytes(double bytes) => bytes switch
    {
        < 1024 => string.Create(s_c, $"{bytes:F0} B"),
        < 1024 * 1024 => string.Create(s_c, $"{bytes / 1024:F1} KiB"),
        _ => string.Create(s_c, $"{bytes / (1024 * 1024):F1} MiB"),
    };

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
