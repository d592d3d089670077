// An Int8 predictor's weights: every layer's W [In, Out] quantized once, per output column j (Int8Quantize:
// scale_j = max_k |W[k, j]| / 127, q = RNE(clamp(W · min(127 / max, float.MaxValue), −127, 127))), packed for
// Int8Gemm as [ceil(In/4)][Out padded to Int8Gemm.ColumnAlignment][4], zero in the padding, with the column
// scales [Out padded] beside them (zero in the padding). A column holding a NaN or ±∞ gets scale NaN and q 0:
// its outputs are NaN. Immutable once built, so any number of calls read it at once.
//
// Each call quantizes each row of a layer's input the same way (its own scale, symmetric, into the Workspace's
// int8 scratch, on the calling thread; whether any byte is negative decides if the kernel must apply signs), runs the exact integer core with the dequantizing store (split over up to the workspace's MaxDegreeOfParallelism threads), then adds the float bias and applies
// the activation in one row sweep (Elementwise, as the float path). A row holding a NaN or ±∞ has scale NaN, so
// every output of that row is NaN before the activation (the activation then does with NaN what the float path's does).
using System.Runtime.CompilerServices;

namespace FastMlp;

internal sealed unsafe class Int8Weights : ReducedWeights
{
    private readonly sbyte[] _weights;   // every layer's packed q, 64-byte aligned per layer
    private readonly float[] _scales;    // every layer's column scales, padded
    private readonly long[] _weightOffsets;
    private readonly int[] _scaleOffsets;
    private readonly int[] _groups;
    private readonly int[] _padded;
    private readonly long _bytes;

    /// <summary>The weights of <paramref name="network"/>, quantized.</summary>
    /// <exception cref="ArgumentException">A layer has more than Int8Gemm.MaxDepth inputs (its int32 sums could overflow).</exception>
    public Int8Weights(Network network)
    {
        ParameterLayout layout = network.Layout;
        int layers = layout.Layers;
        _weightOffsets = new long[layers];
        _scaleOffsets = new int[layers];
        _groups = new int[layers];
        _padded = new int[layers];
        long bytes = 0;
        int scales = 0;
        for (int l = 0; l < layers; l++)
        {
            if (layout.In(l) > Int8Gemm.MaxDepth)
            {
                ThrowHelper.ThrowArgument(nameof(network), $"Layer {l + 1} has {layout.In(l)} inputs; an Int8 predictor sums up to {Int8Gemm.MaxDepth} products of 127 · 127 in int32, so it takes at most {Int8Gemm.MaxDepth} inputs per layer.");
            }

            _groups[l] = (layout.In(l) + 3) / 4;
            _padded[l] = (layout.Out(l) + Int8Gemm.ColumnAlignment - 1) / Int8Gemm.ColumnAlignment * Int8Gemm.ColumnAlignment;
            _weightOffsets[l] = bytes;
            _scaleOffsets[l] = scales;
            bytes += 4L * _groups[l] * _padded[l];   // a multiple of 64
            scales += _padded[l];
            _bytes += ((long)layout.In(l) * layout.Out(l)) + (4L * layout.Out(l));
            MaxDepth = Math.Max(MaxDepth, 4 * _groups[l]);
        }

        _weights = GC.AllocateArray<sbyte>(checked((int)bytes + 64), pinned: true);
        _scales = GC.AllocateArray<float>(scales + 16, pinned: true);
        long align = (64 - ((nint)Unsafe.AsPointer(ref _weights[0]) & 63)) & 63;
        for (int l = 0; l < layers; l++)
        {
            _weightOffsets[l] += align;
            Quantize(network.Parameters.Slice(layout.WeightOffset(l), layout.In(l) * layout.Out(l)), layout.In(l), layout.Out(l), l);
        }
    }

    /// <summary>One byte per weight and a float scale per column, without the kernel's padding.</summary>
    public override long Bytes => _bytes;

    /// <summary>The widest padded layer input, 4·ceil(In/4): the bytes of one row of the quantized-input scratch.</summary>
    public int MaxDepth { get; }

    /// <summary>Packed q of layer <paramref name="layer"/> (see the header).</summary>
    public sbyte* Layer(int layer) => (sbyte*)Unsafe.AsPointer(ref _weights[0]) + _weightOffsets[layer];

    /// <summary>Column scales of layer <paramref name="layer"/>, [Out padded].</summary>
    public float* Scales(int layer) => (float*)Unsafe.AsPointer(ref _scales[0]) + _scaleOffsets[layer];

    /// <summary>Groups of 4 depths of layer <paramref name="layer"/>: ceil(In/4).</summary>
    public int Groups(int layer) => _groups[layer];

    /// <summary>Out of layer <paramref name="layer"/> rounded up to Int8Gemm.ColumnAlignment.</summary>
    public int PaddedColumns(int layer) => _padded[layer];

    public override void Forward(int layer, float* x, int batch, float* parameters, ParameterLayout layout, Activation activation, float* y, Workspace workspace)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer), depth = 4 * _groups[layer];
        sbyte* qx = workspace.Int8Scratch(MaxDepth, out float* rowScales);
        bool signed = false;
        for (int r = 0; r < batch; r++)
        {
            rowScales[r] = Int8Quantize.Row(x + ((long)r * nIn), nIn, qx + ((long)r * depth), depth, out bool negative);
            signed |= negative;
        }

        Int8Gemm.Multiply(qx, signed, rowScales, batch, _groups[layer], Layer(layer), _padded[layer], Scales(layer), nOut, y, workspace.MaxDegreeOfParallelism);
        Elementwise.Forward(activation, new ReadOnlySpan<float>(parameters + layout.BiasOffset(layer), nOut), new Span<float>(y, batch * nOut), batch);
    }

    /// <summary>Quantizes W [k, n] column by column into layer <paramref name="layer"/>'s packed bytes and scales.</summary>
    private void Quantize(ReadOnlySpan<float> w, int k, int n, int layer)
    {
        sbyte* packed = Layer(layer);
        float* scales = Scales(layer);
        int padded = _padded[layer];
        for (int j = 0; j < n; j++)
        {
            uint largestBits = 0;
            for (int i = 0; i < k; i++)
            {
                largestBits = Math.Max(largestBits, Magnitude.Bits(w[(i * n) + j]));
            }

            float largest = BitConverter.UInt32BitsToSingle(largestBits);
            scales[j] = Int8Quantize.Scale(largest);
            if (!float.IsFinite(largest))
            {
                continue;   // q stays 0
            }

            float inverse = Int8Quantize.Inverse(largest);
            for (int i = 0; i < k; i++)
            {
                packed[((long)(i / 4) * padded * 4) + (4 * j) + (i % 4)] = Int8Quantize.Quantize(w[(i * n) + j], inverse);
            }
        }
    }
}
