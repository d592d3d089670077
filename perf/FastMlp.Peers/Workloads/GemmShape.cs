using System.Globalization;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// One W1 product C (M×N) = op(A)·op(B) with inner dimension K: a square case or one of the MLP's own products
/// (forward Z = X·W is NN, weight gradient dW = Xᵀ·dZ is TN, input gradient dX = dZ·Wᵀ is NT).
/// </summary>
/// <param name="Name">How the report shows it, e.g. "B32 NN 784→256".</param>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransposeA, bool TransposeB)
{
    public double Flops => 2.0 * M * N * K;

    public static GemmShape Square(int n) => new(n.ToString(CultureInfo.InvariantCulture), n, n, n, false, false);

    /// <summary>BenchmarkDotNet shows a [ParamsSource] value by its ToString.</summary>
    public override string ToString() => Name;
}
