// A BFloat16 predictor's weights: every layer's W rounded to bfloat16 once (BFloat16.Round), in one pinned
// ushort array, layer after layer in the network's order with no biases between them (the biases stay
// float, read from the network), and BFloat16Gemm.OverRead zeros after the last layer for the kernel's
// over-reading loads. Immutable once built, so any number of calls read it at once.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal sealed unsafe class BFloat16Weights : ReducedWeights
{
    private readonly ushort[] _storage;
    private readonly long[] _offsets;

    /// <summary>The weights of <paramref name="network"/>, rounded.</summary>
    public BFloat16Weights(Network network)
    {
        ParameterLayout layout = network.Layout;
        ReadOnlySpan<float> parameters = network.Parameters;
        _offsets = new long[layout.Layers];
        long count = 0;
        for (int l = 0; l < layout.Layers; l++)
        {
            _offsets[l] = count;
            count += (long)layout.In(l) * layout.Out(l);
        }

        _storage = GC.AllocateArray<ushort>(checked((int)count + BFloat16Gemm.OverRead), pinned: true);
        for (int l = 0; l < layout.Layers; l++)
        {
            ReadOnlySpan<float> weights = parameters.Slice(layout.WeightOffset(l), layout.In(l) * layout.Out(l));
            Span<ushort> rounded = _storage.AsSpan((int)_offsets[l], weights.Length);
            for (int i = 0; i < weights.Length; i++)
            {
                rounded[i] = BFloat16.Round(weights[i]);
            }
        }
    }

    /// <summary>Half the float weights' bytes (without the over-read pad).</summary>
    public override long Bytes => ((long)_storage.Length - BFloat16Gemm.OverRead) * sizeof(ushort);

    /// <summary>W of layer <paramref name="layer"/> (0-based), [In, Out] row-major.</summary>
    public ushort* Layer(int layer) => (ushort*)Unsafe.AsPointer(ref _storage[0]) + _offsets[layer];

    public override void Forward(int layer, float* x, int batch, float* parameters, ParameterLayout layout, Activation activation, float* y, Workspace workspace) =>
        DenseLayer.Forward(x, batch, Layer(layer), parameters, layout, layer, activation, y);
}
