// The SGD updates with weight decay and momentum (Sgd's vector loops). Plain p ← p − lr·g is Axpy.
// Every element takes the same operations in the Vector512 body, the Vector256 body and the scalar tail
// (fused multiply-adds, each rounded once), so a parameter's result does not depend on where it falls.
// Each returns max |p| (and max |b|) over the values it wrote (Magnitude), for the Trainer's update guard.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class SgdUpdate
{
    /// <summary>p ← fma(−lr, fma(λ, p, g), p): SGD on g + λ·p. Returns max |p| after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float WeightDecay(ReadOnlySpan<float> gradients, float learningRate, float weightDecay, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, wd = weightDecay;
        nuint n = (uint)parameters.Length, i = 0;
        uint largest = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), vwd = Vector512.Create(wd);
            Vector512<uint> mp = Vector512<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                p = Vector512.FusedMultiplyAdd(vlr, g, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector512.Max(mp, Magnitude.Bits(p));
            }

            largest = Magnitude.Largest(mp);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), vwd = Vector256.Create(wd);
            Vector256<uint> mp = Vector256<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                p = Vector256.FusedMultiplyAdd(vlr, g, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector256.Max(mp, Magnitude.Bits(p));
            }

            largest = Magnitude.Largest(mp);
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            p = MathF.FusedMultiplyAdd(lr, g, p);
            largest = Math.Max(largest, Magnitude.Bits(p));
        }

        return Magnitude.Value(largest);
    }

    /// <summary>
    /// g' = fma(λ, p, g); b ← fma(μ, b, g'); p ← fma(−lr, d, p) with d = b, or d = fma(μ, b, g') for Nesterov.
    /// Returns max |p| and max |b| after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static UpdateMagnitudes Momentum(
        ReadOnlySpan<float> gradients, float learningRate, float momentum, float weightDecay, bool nesterov, Span<float> velocity, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rb = ref MemoryMarshal.GetReference(velocity);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, mu = momentum, wd = weightDecay;
        nuint n = (uint)parameters.Length, i = 0;
        uint largestP = 0, largestB = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), vmu = Vector512.Create(mu), vwd = Vector512.Create(wd);
            Vector512<uint> mp = Vector512<uint>.Zero, mb = Vector512<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512<float> b = Vector512.FusedMultiplyAdd(vmu, Vector512.LoadUnsafe(ref rb, i), g);
                b.StoreUnsafe(ref rb, i);
                Vector512<float> d = nesterov ? Vector512.FusedMultiplyAdd(vmu, b, g) : b;
                p = Vector512.FusedMultiplyAdd(vlr, d, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector512.Max(mp, Magnitude.Bits(p));
                mb = Vector512.Max(mb, Magnitude.Bits(b));
            }

            (largestP, largestB) = (Magnitude.Largest(mp), Magnitude.Largest(mb));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), vmu = Vector256.Create(mu), vwd = Vector256.Create(wd);
            Vector256<uint> mp = Vector256<uint>.Zero, mb = Vector256<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256<float> b = Vector256.FusedMultiplyAdd(vmu, Vector256.LoadUnsafe(ref rb, i), g);
                b.StoreUnsafe(ref rb, i);
                Vector256<float> d = nesterov ? Vector256.FusedMultiplyAdd(vmu, b, g) : b;
                p = Vector256.FusedMultiplyAdd(vlr, d, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector256.Max(mp, Magnitude.Bits(p));
                mb = Vector256.Max(mb, Magnitude.Bits(b));
            }

            (largestP, largestB) = (Magnitude.Largest(mp), Magnitude.Largest(mb));
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            ref float b = ref Unsafe.Add(ref rb, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            b = MathF.FusedMultiplyAdd(mu, b, g);
            float d = nesterov ? MathF.FusedMultiplyAdd(mu, b, g) : b;
            p = MathF.FusedMultiplyAdd(lr, d, p);
            largestP = Math.Max(largestP, Magnitude.Bits(p));
            largestB = Math.Max(largestB, Magnitude.Bits(b));
        }

        return new UpdateMagnitudes(Magnitude.Value(largestP), Magnitude.Value(largestB), 0f);
    }
}
