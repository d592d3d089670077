namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// One system FastMlp is compared with, as this process found it: whether it loaded, its version, and either
/// what it runs (OpenBLAS's kernel set, the libtorch build) or why it could not load. A peer that did not load
/// is a report row with <see cref="Detail"/> as its reason, never a crash or a silently missing column.
/// </summary>
/// <param name="Name">The name a reader knows it by: "OpenBLAS", "TorchSharp", "ONNX Runtime", "MathNet".</param>
/// <param name="Loaded">True when its native code (if any) loaded and answered a first call.</param>
/// <param name="Version">The version it reports, or the package version when it reports none; "" when unknown.</param>
/// <param name="Detail">Loaded: what it runs (kernels, threads, build); not loaded: the reason and the fix.</param>
internal sealed record PeerInfo(string Name, bool Loaded, string Version, string Detail)
{
    public static PeerInfo Failed(string name, string version, string reason) => new(name, false, version, reason);
}
