// NaiveBackwardPass: what NaiveMlp.Backward computed for one batch: δ_l = ∂L/∂z_l per layer and the
// flat gradient ∂L/∂θ in the parameter layout of DESIGN.md section 2.
namespace FastMlp.Reference;

/// <summary>δ_l of every layer and the flat gradient of the loss.</summary>
public sealed class NaiveBackwardPass
{
    private readonly double[][,] _delta;
    private readonly double[] _gradients;

    internal NaiveBackwardPass(double[][,] delta, double[] gradients)
    {
        _delta = delta;
        _gradients = gradients;
    }

    /// <summary>δ_l = ∂L/∂z_l [B, n_l] for l = 1..L.</summary>
    public double[,] Delta(int layer) => _delta[layer];

    /// <summary>∂L/∂θ, same layout as the parameters (W_l [n_{l−1}, n_l] row-major, then b_l, for l = 1..L).</summary>
    public ReadOnlySpan<double> Gradients => _gradients;

    /// <summary>A copy of <see cref="Gradients"/>.</summary>
    public double[] GradientsCopy() => (double[])_gradients.Clone();
}
