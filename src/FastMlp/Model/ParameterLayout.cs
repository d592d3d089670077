// Where each layer's weights and biases live in the flat parameter (and gradient) buffer:
// layer l = 0..L−1 in order, W_l as [n_l, n_{l+1}] row-major, then b_l [n_{l+1}]. This is the public
// layout of Network.Parameters; other tools read it, so it never gets padding.
namespace FastMlp;

internal sealed class ParameterLayout
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;

    /// <param name="sizes">[inputs, hidden..., outputs], already validated (≥ 2 entries, each ≥ 1).</param>
    public ParameterLayout(int[] sizes)
    {
        _sizes = sizes;
        _weightOffsets = new int[sizes.Length - 1];
        long offset = 0;
        for (int l = 0; l < _weightOffsets.Length; l++)
        {
            _weightOffsets[l] = (int)offset;
            offset += ((long)sizes[l] * sizes[l + 1]) + sizes[l + 1];
            if (offset > Array.MaxLength - 64)
            {
                ThrowHelper.ThrowArgument("layerSizes", $"The layer sizes need {offset} parameters up to layer {l + 1}; at most {Array.MaxLength - 64} fit in one buffer.");
            }
        }

        Count = (int)offset;
    }

    /// <summary>Total parameters (weights and biases of every layer).</summary>
    public int Count { get; }

    /// <summary>Number of dense layers (one fewer than the layer sizes).</summary>
    public int Layers => _weightOffsets.Length;

    /// <summary>Inputs of layer <paramref name="layer"/>.</summary>
    public int In(int layer) => _sizes[layer];

    /// <summary>Outputs (neurons) of layer <paramref name="layer"/>.</summary>
    public int Out(int layer) => _sizes[layer + 1];

    /// <summary>Offset of W_layer [In, Out].</summary>
    public int WeightOffset(int layer) => _weightOffsets[layer];

    /// <summary>Whether <paramref name="other"/> describes the same layer sizes.</summary>
    public bool Matches(ParameterLayout other) => _sizes.AsSpan().SequenceEqual(other._sizes);

    /// <summary>The layer sizes, comma-separated (for messages).</summary>
    public override string ToString() => string.Join(", ", _sizes);

    /// <summary>Offset of b_layer [Out], right after W_layer.</summary>
    public int BiasOffset(int layer) => _weightOffsets[layer] + (_sizes[layer] * _sizes[layer + 1]);
}
