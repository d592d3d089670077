using FastMlp.Peers.Infrastructure;

using TorchSharp;

namespace FastMlp.Peers.Peers;

/// <summary>TorchSharp (libtorch CPU). Loading is probed once; a failure becomes the peer's reason.</summary>
internal static class TorchPeer
{
    private static readonly Lazy<PeerInfo> s_info = new(Load);

    public static PeerInfo Info => s_info.Value;

    /// <summary>libtorch's intra-op thread count for every later call.</summary>
    public static void SetThreads(int threads)
    {
        if (!Info.Loaded)
        {
            throw new InvalidOperationException($"TorchSharp is not loaded: {Info.Detail}");
        }

        torch.set_num_threads(threads);
    }

    private static PeerInfo Load()
    {
        string version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "";
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return new PeerInfo("TorchSharp", true, version, $"libtorch {torch.__version__}");
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            return PeerInfo.Failed("TorchSharp", version, e.Message);
        }
    }
}
