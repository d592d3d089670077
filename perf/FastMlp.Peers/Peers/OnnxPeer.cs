using FastMlp.Peers.Infrastructure;

using Microsoft.ML.OnnxRuntime;

namespace FastMlp.Peers.Peers;

/// <summary>ONNX Runtime (CPU execution provider, MLAS). Loading is probed once; a failure becomes the peer's reason.</summary>
internal static class OnnxPeer
{
    private static readonly Lazy<PeerInfo> s_info = new(Load);

    public static PeerInfo Info => s_info.Value;

    private static PeerInfo Load()
    {
        try
        {
            string version = OrtEnv.Instance().GetVersionString();
            return new PeerInfo("ONNX Runtime", true, version, "CPU execution provider");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException or EntryPointNotFoundException)
        {
            return PeerInfo.Failed("ONNX Runtime", "", e.Message);
        }
    }
}
