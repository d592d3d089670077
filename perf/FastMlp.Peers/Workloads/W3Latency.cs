using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>W3 batch 1: per-call latency percentiles of each system (to be written).</summary>
internal static class W3Latency
{
    public static List<LatencyRow> Measure(RunMode mode) => mode == RunMode.Dry ? [] : [];
}
