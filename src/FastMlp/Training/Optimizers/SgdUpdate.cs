// The SGD updates with weight decay and momentum (Sgd's vector loops). Plain p ← p − lr·g is Axpy.
// Every element takes the same operations in the Vector512 body, the Vector256 body and the scalar tail
// (fused multiply-adds, each rounded once), so a parameter's result does not depend on where it falls.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class SgdUpdate
{
    /// <summary>p ← fma(−lr, fma(λ, p, g), p): SGD on g + λ·p.</summary>
    public static void WeightDecay(ReadOnlySpan<float> gradients, float learningRate, float weightDecay, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, wd = weightDecay;
        nuint n = (uint)parameters.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), vwd = Vector512.Create(wd);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512.FusedMultiplyAdd(vlr, g, p).StoreUnsafe(ref rp, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), vwd = Vector256.Create(wd);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256.FusedMultiplyAdd(vlr, g, p).StoreUnsafe(ref rp, i);
            }
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            p = MathF.FusedMultiplyAdd(lr, g, p);
        }
    }

    /// <summary>
    /// g' = fma(λ, p, g); b ← fma(μ, b, g'); p ← fma(−lr, d, p) with d = b, or d = fma(μ, b, g') for Nesterov.
    /// </summary>
    public static void Momentum(
        ReadOnlySpan<float> gradients, float learningRate, float momentum, float weightDecay, bool nesterov, Span<float> velocity, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rb = ref MemoryMarshal.GetReference(velocity);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float lr = -learningRate, mu = momentum, wd = weightDecay;
        nuint n = (uint)parameters.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vlr = Vector512.Create(lr), vmu = Vector512.Create(mu), vwd = Vector512.Create(wd);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512<float> b = Vector512.FusedMultiplyAdd(vmu, Vector512.LoadUnsafe(ref rb, i), g);
                b.StoreUnsafe(ref rb, i);
                Vector512<float> d = nesterov ? Vector512.FusedMultiplyAdd(vmu, b, g) : b;
                Vector512.FusedMultiplyAdd(vlr, d, p).StoreUnsafe(ref rp, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vlr = Vector256.Create(lr), vmu = Vector256.Create(mu), vwd = Vector256.Create(wd);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256<float> b = Vector256.FusedMultiplyAdd(vmu, Vector256.LoadUnsafe(ref rb, i), g);
                b.StoreUnsafe(ref rb, i);
                Vector256<float> d = nesterov ? Vector256.FusedMultiplyAdd(vmu, b, g) : b;
                Vector256.FusedMultiplyAdd(vlr, d, p).StoreUnsafe(ref rp, i);
            }
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            ref float b = ref Unsafe.Add(ref rb, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            b = MathF.FusedMultiplyAdd(mu, b, g);
            float d = nesterov ? MathF.FusedMultiplyAdd(mu, b, g) : b;
            p = MathF.FusedMultiplyAdd(lr, d, p);
        }
    }
}
