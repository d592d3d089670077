using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// Everything one run measured, as <c>run.json</c>: the machine, each peer as it loaded, every benchmark case and
/// harness row (<see cref="Serve"/> and <see cref="MnistCold"/> are null in a run.json written before the serving load or the cold W5 existed). The <c>report</c> step reads only this file, so a report can be rebuilt from a committed run.
/// </summary>
internal sealed record RunRecord(
    MachineInfo Machine,
    string Mode,
    IReadOnlyList<PeerInfo> Peers,
    IReadOnlyList<CaseResult> Cases,
    IReadOnlyList<LatencyRow> Latency,
    IReadOnlyList<MnistRow> Mnist,
    IReadOnlyList<ServeRow>? Serve = null,
    IReadOnlyList<MnistColdRow>? MnistCold = null)
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
/// W5 cold: FastMlp's training of one seed in a new process with the runtime's default JIT and no warm-up, beside the
/// warm <see cref="MnistRow"/> of the same seed from the same run (Workloads/W5Cold.cs). Times in seconds.
/// </summary>
/// <param name="ColdSeconds">The child's Trainer.Fit, the region the warm row times.</param>
/// <param name="Ratio"><paramref name="ColdSeconds"/> / <paramref name="WarmSeconds"/>.</param>
/// <param name="ColdEpochSeconds">Each epoch's seconds in the child by Fit's clock (EpochReport.Elapsed): the first from the Fit call to its end.</param>
/// <param name="ColdFirstToLastEpochSpeed">The child's first epoch's samples/s over its last epoch's.</param>
/// <param name="ProcessSeconds">The parent's clock from just before Process.Start to having read the child's line: runtime start-up, loading, building, the fit, the test evaluation.</param>
/// <param name="StartupSeconds">From just before Process.Start to the child's first line of its command (runtime start-up), on the one monotonic clock.</param>
/// <param name="LoadSeconds">The child's loading of the bundled digits.</param>
/// <param name="SameParameters">Whether the child's trained parameters are bit-identical to the warm row's (SHA-256 of their bytes).</param>
/// <param name="ColdFitJitMethods">Methods the child's training thread JIT-compiled during its fit (the JIT its calls waited for).</param>
/// <param name="ColdFitJitMilliseconds">The time that thread spent compiling them.</param>
/// <param name="WarmFitJitMethods">The same count for the warm row's fit: 0 when it was truly warm.</param>
/// <param name="JitMethods">Methods the child's JIT compiled before its line, all threads (tier 0, tier 1, OSR and PGO-instrumented versions each count).</param>
/// <param name="JitBackgroundMethods">Those of them compiled off the training thread: tiering's background rejits at tier 1.</param>
/// <param name="JitMilliseconds">The child's JIT time before its line, all threads.</param>
/// <param name="AllocatedBytes">The child's managed allocation during the fit, on its thread.</param>
/// <param name="Process">The child's runtime settings.</param>
/// <param name="Status">"ok", "mismatch: …" (the child trained other parameters than the warm row; the figures are kept), or "failed: …" (no figures).</param>
internal sealed record MnistColdRow(
    int Seed,
    int Epochs,
    double ColdSeconds,
    double WarmSeconds,
    double Ratio,
    IReadOnlyList<double> ColdEpochSeconds,
    IReadOnlyList<double> WarmEpochSeconds,
    double ColdFirstToLastEpochSpeed,
    double WarmFirstToLastEpochSpeed,
    double ProcessSeconds,
    double StartupSeconds,
    double LoadSeconds,
    double ColdTestAccuracy,
    double WarmTestAccuracy,
    bool SameParameters,
    long ColdFitJitMethods,
    double ColdFitJitMilliseconds,
    long WarmFitJitMethods,
    long JitMethods,
    long JitBackgroundMethods,
    double JitMilliseconds,
    long AllocatedBytes,
    string Process,
    string Status);

/// <summary>
/// W3 served over HTTP: one server (<paramref name="System"/>: the backend behind samples/FastMlp.Serve's endpoint),
/// request body ("binary" or "JSON") and client count, over all its rounds. Latency is per request at the client.
/// </summary>
/// <param name="Seconds">The rounds' wall time added up.</param>
/// <param name="Failed">Answers that were not a 200 with the answer checked before timing (timed rounds and warm-up).</param>
/// <param name="Status">"ok", "not loaded: …", "mismatch: …" (untimed), or "failed: …" (timed, with wrong answers).</param>
/// <param name="Process">The settings of the process the servers and the client shared: GC mode, tiered compilation.</param>
internal sealed record ServeRow(string System, string Body, int Clients, int Requests, double Seconds, double RequestsPerSecond, double P50Us, double P99Us, int Failed, string Status, string Process);
