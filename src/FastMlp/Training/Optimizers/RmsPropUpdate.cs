// The RMSProp update over the flat buffers (RmsProp's vector loops), without and with momentum.
// Every element takes the same operations in the Vector512 body, the Vector256 body and the scalar tail
// (fma, product, quotient and square root, each rounded once), so its result does not depend on where it falls.
// Each returns max |p|, max |v| (and max |b|) over the values written (Magnitude), for the Trainer's update guard.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class RmsPropUpdate
{
    /// <summary>g' = fma(λ, p, g);  v ← fma(α, v, ((1 − α)·g')·g');  p ← fma(−lr, g' / (√v + ε), p). Returns max |p| and max |v| after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static UpdateMagnitudes Run(
        ReadOnlySpan<float> gradients, float learningRate, float alpha, float oneMinusAlpha, float epsilon, float weightDecay, Span<float> v, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, a = alpha, ca = oneMinusAlpha, eps = epsilon, wd = weightDecay;
        nuint n = (uint)parameters.Length, i = 0;
        uint largestP = 0, largestV = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), va = Vector512.Create(a), vca = Vector512.Create(ca), veps = Vector512.Create(eps), vwd = Vector512.Create(wd);
            Vector512<uint> mp = Vector512<uint>.Zero, mv = Vector512<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512<float> vi = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rv, i), vca * g * g);
                vi.StoreUnsafe(ref rv, i);
                p = Vector512.FusedMultiplyAdd(vlr, g / (Vector512.Sqrt(vi) + veps), p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector512.Max(mp, Magnitude.Bits(p));
                mv = Vector512.Max(mv, Magnitude.Bits(vi));
            }

            (largestP, largestV) = (Magnitude.Largest(mp), Magnitude.Largest(mv));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), va = Vector256.Create(a), vca = Vector256.Create(ca), veps = Vector256.Create(eps), vwd = Vector256.Create(wd);
            Vector256<uint> mp = Vector256<uint>.Zero, mv = Vector256<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256<float> vi = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rv, i), vca * g * g);
                vi.StoreUnsafe(ref rv, i);
                p = Vector256.FusedMultiplyAdd(vlr, g / (Vector256.Sqrt(vi) + veps), p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector256.Max(mp, Magnitude.Bits(p));
                mv = Vector256.Max(mv, Magnitude.Bits(vi));
            }

            (largestP, largestV) = (Magnitude.Largest(mp), Magnitude.Largest(mv));
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            ref float vi = ref Unsafe.Add(ref rv, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            vi = MathF.FusedMultiplyAdd(a, vi, ca * g * g);
            p = MathF.FusedMultiplyAdd(lr, g / (MathF.Sqrt(vi) + eps), p);
            largestP = Math.Max(largestP, Magnitude.Bits(p));
            largestV = Math.Max(largestV, Magnitude.Bits(vi));
        }

        return new UpdateMagnitudes(Magnitude.Value(largestP), Magnitude.Value(largestV), 0f);
    }

    /// <summary>
    /// g' = fma(λ, p, g);  v ← fma(α, v, ((1 − α)·g')·g');  b ← fma(μ, b, g' / (√v + ε));  p ← fma(−lr, b, p).
    /// Returns max |p|, max |v| and max |b| after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static UpdateMagnitudes RunWithMomentum(
        ReadOnlySpan<float> gradients, float learningRate, float alpha, float oneMinusAlpha, float epsilon, float weightDecay, float momentum,
        Span<float> v, Span<float> velocity, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float rb = ref MemoryMarshal.GetReference(velocity);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, a = alpha, ca = oneMinusAlpha, eps = epsilon, wd = weightDecay, mu = momentum;
        nuint n = (uint)parameters.Length, i = 0;
        uint largestP = 0, largestV = 0, largestB = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), va = Vector512.Create(a), vca = Vector512.Create(ca), veps = Vector512.Create(eps), vwd = Vector512.Create(wd);
            Vector512<float> vmu = Vector512.Create(mu);
            Vector512<uint> mp = Vector512<uint>.Zero, mv = Vector512<uint>.Zero, mb = Vector512<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512<float> vi = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rv, i), vca * g * g);
                vi.StoreUnsafe(ref rv, i);
                Vector512<float> b = Vector512.FusedMultiplyAdd(vmu, Vector512.LoadUnsafe(ref rb, i), g / (Vector512.Sqrt(vi) + veps));
                b.StoreUnsafe(ref rb, i);
                p = Vector512.FusedMultiplyAdd(vlr, b, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector512.Max(mp, Magnitude.Bits(p));
                mv = Vector512.Max(mv, Magnitude.Bits(vi));
                mb = Vector512.Max(mb, Magnitude.Bits(b));
            }

            (largestP, largestV, largestB) = (Magnitude.Largest(mp), Magnitude.Largest(mv), Magnitude.Largest(mb));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), va = Vector256.Create(a), vca = Vector256.Create(ca), veps = Vector256.Create(eps), vwd = Vector256.Create(wd);
            Vector256<float> vmu = Vector256.Create(mu);
            Vector256<uint> mp = Vector256<uint>.Zero, mv = Vector256<uint>.Zero, mb = Vector256<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256<float> vi = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rv, i), vca * g * g);
                vi.StoreUnsafe(ref rv, i);
                Vector256<float> b = Vector256.FusedMultiplyAdd(vmu, Vector256.LoadUnsafe(ref rb, i), g / (Vector256.Sqrt(vi) + veps));
                b.StoreUnsafe(ref rb, i);
                p = Vector256.FusedMultiplyAdd(vlr, b, p);
                p.StoreUnsafe(ref rp, i);
                mp = Vector256.Max(mp, Magnitude.Bits(p));
                mv = Vector256.Max(mv, Magnitude.Bits(vi));
                mb = Vector256.Max(mb, Magnitude.Bits(b));
            }

            (largestP, largestV, largestB) = (Magnitude.Largest(mp), Magnitude.Largest(mv), Magnitude.Largest(mb));
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            ref float vi = ref Unsafe.Add(ref rv, i);
            ref float b = ref Unsafe.Add(ref rb, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            vi = MathF.FusedMultiplyAdd(a, vi, ca * g * g);
            b = MathF.FusedMultiplyAdd(mu, b, g / (MathF.Sqrt(vi) + eps));
            p = MathF.FusedMultiplyAdd(lr, b, p);
            largestP = Math.Max(largestP, Magnitude.Bits(p));
            largestV = Math.Max(largestV, Magnitude.Bits(vi));
            largestB = Math.Max(largestB, Magnitude.Bits(b));
        }

        return new UpdateMagnitudes(Magnitude.Value(largestP), Magnitude.Value(largestV), Magnitude.Value(largestB));
    }
}
