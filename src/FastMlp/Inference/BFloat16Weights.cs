// A BFloat16 predictor's weights: every layer's W rounded to bfloat16 once (BFloat16.Round) and packed for the
// kernel this process runs (BFloat16Gemm.Pack: blocks of 2·Lanes columns, two bfloat16 in each 32-bit word), in
// one pinned uint array, layer after layer in the network's order, each layer starting on a 64-byte boundary so
// every full-register load stays inside one cache line. No biases between them (the biases stay float, read from
// the network). Immutable once built, so any number of calls read it at once.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal sealed unsafe class BFloat16Weights : ReducedWeights
{
    /// <summary>Words per 64 bytes: each layer's offset is a multiple of it.</summary>
    private const int LineWords = 64 / sizeof(uint);

    private readonly uint[] _storage;
    private readonly long[] _offsets;   // from the first 64-byte-aligned word of _storage
    private readonly int _start;        // that word's index
    private readonly long _bytes;

    /// <summary>The weights of <paramref name="network"/>, rounded and packed for <see cref="BFloat16Gemm.Lanes"/>.</summary>
    public BFloat16Weights(Network network)
    {
        ParameterLayout layout = network.Layout;
        ReadOnlySpan<float> parameters = network.Parameters;
        int lanes = BFloat16Gemm.Lanes;
        _offsets = new long[layout.Layers];
        long count = 0;
        for (int l = 0; l < layout.Layers; l++)
        {
            _offsets[l] = count;
            count += GemmBlocking.RoundUp(BFloat16Gemm.PackedLength(layout.In(l), layout.Out(l), lanes), LineWords);
            _bytes += (long)layout.In(l) * layout.Out(l) * sizeof(ushort);
        }

        // A pinned array never moves, so the aligned start found now stays aligned.
        _storage = GC.AllocateArray<uint>(checked((int)count + LineWords - 1), pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref _storage[0]);
        _start = (int)((64 - (address % 64)) % 64 / sizeof(uint));
        for (int l = 0; l < layout.Layers; l++)
        {
            int nIn = layout.In(l), nOut = layout.Out(l);
            ReadOnlySpan<float> weights = parameters.Slice(layout.WeightOffset(l), nIn * nOut);
            BFloat16Gemm.Pack(weights, nIn, nOut, lanes, _storage.AsSpan(_start + (int)_offsets[l], (int)BFloat16Gemm.PackedLength(nIn, nOut, lanes)));
        }
    }

    /// <summary>Half the float weights' bytes: two per weight (without the zero columns that fill each layer's last block).</summary>
    public override long Bytes => _bytes;

    /// <summary>W of layer <paramref name="layer"/> (0-based), packed (BFloat16Gemm.Pack).</summary>
    public uint* Layer(int layer) => (uint*)Unsafe.AsPointer(ref _storage[0]) + _start + _offsets[layer];

    public override void Forward(int layer, float* x, int batch, float* parameters, ParameterLayout layout, Activation activation, float* y, Workspace workspace) =>
        DenseLayer.Forward(x, batch, Layer(layer), parameters, layout, layer, activation, y, workspace.MaxDegreeOfParallelism);
}
