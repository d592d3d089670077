using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// Everything one run measured, as <c>run.json</c>: the machine, each peer as it loaded, every benchmark case and
/// harness row (<see cref="Serve"/> is null in a run.json written before the serving load existed). The <c>report</c> step reads only this file, so a report can be rebuilt from a committed run.
/// </summary>
internal sealed record RunRecord(
    MachineInfo Machine,
    string Mode,
    IReadOnlyList<PeerInfo> Peers,
    IReadOnlyList<CaseResult> Cases,
    IReadOnlyList<LatencyRow> Latency,
    IReadOnlyList<MnistRow> Mnist,
    IReadOnlyList<ServeRow>? Serve = null)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));
    }

    public static RunRecord Load(string path) =>
        JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), s_json)
        ?? throw new InvalidDataException($"{path} holds no run.");
}

/// <summary>Where and on what the run happened.</summary>
/// <param name="PeakGflopsPerCore">One core's fp32 FMA peak, measured at the start of the run (<see cref="PeakFlops"/>).</param>
internal sealed record MachineInfo(string Cpu, string CpuFolder, int Cores, string Os, string Runtime, string Commit, DateTime DateUtc, string Arguments, double PeakGflopsPerCore);

/// <summary>
/// One BenchmarkDotNet case: <paramref name="Workload"/> (W1..W4) and <paramref name="Group"/> (the benchmark class's
/// table, e.g. "W1 square") name the table, <paramref name="Case"/> its row (the parameters other than Threads,
/// "N=512"), <paramref name="System"/> the column (a <see cref="Systems"/> name).
/// </summary>
/// <param name="Work">What one operation does in the workload's unit: FLOPs (W1), samples (W2, W3), steps (W4).</param>
/// <param name="AllocatedBytes">BenchmarkDotNet's MemoryDiagnoser figure per operation (includes its in-process engine's own).</param>
/// <param name="AllocatedBytesPerCall">The exact managed bytes per operation (all threads), from the case's setup (<see cref="Allocations"/>); null if not measured.</param>
/// <param name="Status">"ok", or why there is no time: "not loaded: …", "mismatch: …", "failed: …".</param>
internal sealed record CaseResult(
    string Workload,
    string Group,
    string Case,
    int Threads,
    string System,
    double Work,
    double? MedianNs,
    double? MeanNs,
    double? StdDevNs,
    long? AllocatedBytes,
    double? AllocatedBytesPerCall,
    string Status);

/// <summary>W3 batch 1: per-call latency of ≥ 20,000 individually timed calls.</summary>
internal sealed record LatencyRow(string System, int Threads, int Calls, double MedianUs, double P99Us, double P999Us, double MaxUs, double AllocatedBytesPerCall, string Status);

/// <summary>W5: one seed's 10-epoch training run on the bundled MNIST digits.</summary>
internal sealed record MnistRow(string System, int Seed, double Seconds, double TestAccuracy, long AllocatedBytes, string Status);

/// <summary>
/// W3 served over HTTP: one server (<paramref name="System"/>: the backend behind samples/FastMlp.Serve's endpoint),
/// request body ("binary" or "JSON") and client count, over all its rounds. Latency is per request at the client.
/// </summary>
/// <param name="Seconds">The rounds' wall time added up.</param>
/// <param name="Failed">Answers that were not a 200 with the answer checked before timing (timed rounds and warm-up).</param>
/// <param name="Status">"ok", "not loaded: …", "mismatch: …" (untimed), or "failed: …" (timed, with wrong answers).</param>
/// <param name="Process">The settings of the process the servers and the client shared: GC mode, tiered compilation.</param>
internal sealed record ServeRow(string System, string Body, int Clients, int Requests, double Seconds, double RequestsPerSecond, double P50Us, double P99Us, int Failed, string Status, string Process);
