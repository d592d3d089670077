using FastMlp.Peers.Infrastructure;

using MathNet.Numerics.Providers.LinearAlgebra;

namespace FastMlp.Peers.Peers;

/// <summary>
/// MathNet.Numerics with its managed linear-algebra provider (pure C#, what a .NET user without native code gets).
/// MathNet stores matrices column-major, so a row-major r×c array is MathNet's c×r matrix, its transpose:
/// row-major C = op(A)·op(B) is computed as column-major Cᵀ = op(B)ᵀ·op(A)ᵀ on the same arrays, no copies.
/// </summary>
internal static class MathNetPeer
{
    private static readonly Lazy<PeerInfo> s_info = new(() =>
    {
        LinearAlgebraControl.UseManaged();
        return new PeerInfo("MathNet", true, typeof(LinearAlgebraControl).Assembly.GetName().Version?.ToString(3) ?? "",
            $"provider: {LinearAlgebraControl.Provider}");
    });

    public static PeerInfo Info => s_info.Value;

    /// <summary>MathNet's own parallelism (Control.MaxDegreeOfParallelism) for every later call.</summary>
    public static void SetThreads(int threads)
    {
        _ = Info;
        MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;
    }

    /// <summary>C = op(A)·op(B), row-major, β = 0, through the provider's MatrixMultiplyWithUpdate.</summary>
    public static void Multiply(float[] a, float[] b, float[] c, int m, int n, int k, bool transposeA, bool transposeB)
    {
        // Column-major views: stored B is (transposeB ? k×n : n×k) and is op(B)ᵀ unless transposed; likewise A.
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            transposeB ? Transpose.Transpose : Transpose.DontTranspose,
            transposeA ? Transpose.Transpose : Transpose.DontTranspose,
            1f,
            b, transposeB ? k : n, transposeB ? n : k,
            a, transposeA ? m : k, transposeA ? k : m,
            0f, c);
    }
}
