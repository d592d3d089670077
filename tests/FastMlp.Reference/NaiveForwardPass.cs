// NaiveForwardPass: everything NaiveMlp.Forward computed for one batch, kept for the backward pass
// and for error analysis. Layers are numbered as in the formulas: a_0 = x is the input, layer
// l = 1..L maps a_{l−1} [B, n_{l−1}] to z_l = a_{l−1}·W_l + b_l and a_l = f_l(z_l) [B, n_l].
namespace FastMlp.Reference;

/// <summary>Pre-activations z_l and activations a_l of every layer for one batch.</summary>
public sealed class NaiveForwardPass
{
    private readonly double[][,] _z;
    private readonly double[][,] _a;

    private readonly double[,]?[] _activated;

    internal NaiveForwardPass(int batch, double[][,] z, double[][,] a, double[,]?[] activated, double[]?[]? masks)
    {
        Batch = batch;
        _z = z;
        _a = a;
        _activated = activated;
        Masks = masks;
    }

    /// <summary>The dropout masks of the hidden layers (NaiveMlp.Forward), or null.</summary>
    public IReadOnlyList<double[]?>? Masks { get; }

    /// <summary>B, the number of samples.</summary>
    public int Batch { get; }

    /// <summary>L, the number of dense layers.</summary>
    public int Layers => _a.Length - 1;

    /// <summary>The network's outputs a_L [B, n_L].</summary>
    public double[,] Output => _a[^1];

    /// <summary>z_l [B, n_l] for l = 1..L.</summary>
    public double[,] Z(int layer) => _z[layer];

    /// <summary>a_l [B, n_l] for l = 0..L (a_0 = x), after dropout where the layer has it.</summary>
    public double[,] A(int layer) => _a[layer];

    /// <summary>f_l(z_l) [B, n_l] before dropout (a_l itself for a layer without it).</summary>
    public double[,] Activated(int layer) => _activated[layer] ?? _a[layer];
}
