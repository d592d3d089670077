using FastMlp.Peers.Infrastructure;

using Microsoft.ML.OnnxRuntime;

namespace FastMlp.Peers.Peers;

/// <summary>
/// ONNX Runtime (CPU execution provider, MLAS). Loading is probed once; a failure becomes the peer's reason.
/// Sessions are made by <see cref="CreateSession"/> only, so every workload runs ORT configured the same way.
/// </summary>
internal static class OnnxPeer
{
    private const string Name = "ONNX Runtime";

    private static readonly Lazy<PeerInfo> s_info = new(Load);

    public static PeerInfo Info => s_info.Value;

    /// <summary>
    /// A session over a serialized model (<see cref="OnnxModelWriter.Write"/>) on the CPU provider with
    /// <paramref name="threads"/> intra-op threads (the calling thread is one of them, as in FastMlp), no inter-op
    /// pool, nodes run sequentially, and every graph optimization on (ORT then pre-packs the Gemm weights).
    /// ORT's intra-op threads spin between calls by default (session.intra_op.allow_spinning = 1); left so,
    /// since that is how users run it and it favours ORT's latency.
    /// </summary>
    public static InferenceSession CreateSession(byte[] model, int threads)
    {
        if (!Info.Loaded)
        {
            throw new InvalidOperationException($"ONNX Runtime is not loaded: {Info.Detail}");
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(model, options);
    }

    private static PeerInfo Load()
    {
        try
        {
            OrtEnv environment = OrtEnv.Instance();
            return new PeerInfo(Name, true, environment.GetVersionString(),
                $"CPU execution provider (MLAS); providers in this build: {string.Join(", ", environment.GetAvailableProviders())}");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException or EntryPointNotFoundException)
        {
            Exception inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            return PeerInfo.Failed(Name, "", $"{inner.GetType().Name}: {inner.Message}");
        }
    }
}
