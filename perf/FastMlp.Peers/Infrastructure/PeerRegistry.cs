using BenchmarkDotNet.Running;

using FastMlp.Peers.Peers;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// Which peer each system belongs to, and whether it loaded. Probing a peer loads its native library once per
/// process (the first time anything asks); a failure is caught and kept as the peer's reason.
/// </summary>
internal static class PeerRegistry
{
    /// <summary>Every peer this suite knows, in report order; probing each one is what loads it.</summary>
    public static IReadOnlyList<PeerInfo> ProbeAll() => [OpenBlas.Info, TorchPeer.Info, OnnxPeer.Info, MathNetPeer.Info];

    /// <summary>The peer behind a system, or null for the managed systems that are always present.</summary>
    public static PeerInfo? PeerOf(string system) => system switch
    {
        Systems.OpenBlas => OpenBlas.Info,
        Systems.Torch => TorchPeer.Info,
        Systems.OrtIoBinding or Systems.OrtRun or Systems.OrtInt8 => OnnxPeer.Info,
        Systems.MathNet => MathNetPeer.Info,
        _ => null,
    };

    /// <summary>False for the methods of a peer that did not load: they become "not loaded" rows instead of running.</summary>
    public static bool IsRunnable(BenchmarkCase benchmarkCase) =>
        PeerOf(benchmarkCase.Descriptor.WorkloadMethod.Name) is not { Loaded: false };
}
