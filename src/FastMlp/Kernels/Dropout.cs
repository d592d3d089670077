// Inverted dropout on one layer's [batch, n] values, with the mask a pure function of (key, element index) instead of a
// stored buffer: element i is kept when fmix32(i · 0x9E3779B9 + key) ≥ threshold (MurmurHash3's finalizer over a
// Weyl sequence; threshold = rate · 2³²), and a kept value is scaled by 1/(1 − rate), a dropped one by 0 (so NaN
// stays NaN, as PyTorch's input · mask). The forward pass applies it to the layer's outputs and the backward pass
// applies the same call, same key, to the gradient flowing into them: the mask costs no memory and cannot drift
// between the two. Vector lanes and the scalar tail compute the same integers, so the mask is the same on every ISA.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>One layer's dropout in one step: the mask's key, its keep threshold and the scale of a kept value.</summary>
internal readonly struct Dropout
{
    private const uint Weyl = 0x9E3779B9;

    private readonly uint _key, _threshold;
    private readonly float _scale;

    /// <param name="rate">The probability of dropping a value, in (0, 1).</param>
    /// <param name="seed">The mask stream's seed.</param>
    /// <param name="step">Which step of the stream (masks differ from step to step).</param>
    /// <param name="layer">The layer (masks differ from layer to layer).</param>
    public Dropout(float rate, int seed, long step, int layer)
    {
        _threshold = (uint)Math.Min(Math.Round(rate * 4294967296.0), uint.MaxValue);
        _scale = 1f / (1f - rate);
        _key = Key(seed, step, layer);
    }

    /// <summary>destination ← source ⊙ mask (the same span, or disjoint ones); element 0 is the first of the layer's batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        ref float rs = ref MemoryMarshal.GetReference(source);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        nuint n = (uint)source.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<uint> index = Vector512<uint>.Indices, step = Vector512.Create(16u);
            Vector512<uint> key = Vector512.Create(_key), threshold = Vector512.Create(_threshold);
            Vector512<float> scale = Vector512.Create(_scale);
            for (; i + 16 <= n; i += 16, index += step)
            {
                Vector512<float> factor = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(Mix(index, key), threshold).AsSingle(), scale, Vector512<float>.Zero);
                (Vector512.LoadUnsafe(ref rs, i) * factor).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            Vector256<uint> index = Vector256<uint>.Indices + Vector256.Create((uint)i), step = Vector256.Create(8u);
            Vector256<uint> key = Vector256.Create(_key), threshold = Vector256.Create(_threshold);
            Vector256<float> scale = Vector256.Create(_scale);
            for (; i + 8 <= n; i += 8, index += step)
            {
                Vector256<float> factor = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(Mix(index, key), threshold).AsSingle(), scale, Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref rs, i) * factor).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rs, i) * Factor((uint)i);
        }
    }

    /// <summary>The mask's value at element <paramref name="index"/>: the scale, or 0 (tests read the mask with it).</summary>
    public float Factor(uint index) => Mix(index, _key) >= _threshold ? _scale : 0f;

    /// <summary>fmix32(i · Weyl + key).</summary>
    private static uint Mix(uint index, uint key)
    {
        uint h = (index * Weyl) + key;
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >> 16);
    }

    /// <inheritdoc cref="Mix(uint, uint)"/>
    private static Vector512<uint> Mix(Vector512<uint> index, Vector512<uint> key)
    {
        Vector512<uint> h = (index * Weyl) + key;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /// <inheritdoc cref="Mix(uint, uint)"/>
    private static Vector256<uint> Mix(Vector256<uint> index, Vector256<uint> key)
    {
        Vector256<uint> h = (index * Weyl) + key;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /// <summary>SplitMix64's finalizer over (seed, layer, step), its high half: one key per layer and step.</summary>
    private static uint Key(int seed, long step, int layer)
    {
        ulong z = (((ulong)(uint)seed << 32) | (uint)layer) + ((ulong)step * 0x9E3779B97F4A7C15);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return (uint)((z ^ (z >> 31)) >> 32);
    }
}
