// The Adam / AdamW update over the flat buffers (Adam's and AdamW's vector loops). The caller folds the
// bias corrections and the learning rate into two scalars per step, as PyTorch's Adam does:
//   stepSize = lr / (1 − β1^t),   c2 = 1 / √(1 − β2^t),   so   lr·m̂ / (√v̂ + ε) = stepSize·m / (√v·c2 + ε).
// Coupled L2 decay (Adam) enters the gradient, g' = g + λ·p; decoupled decay (AdamW) scales the
// parameter, p·(1 − lr·λ). Each caller passes the neutral value for the other (λ = 0, factor 1: exact).
// Every element takes the same operations in the Vector512 body, the Vector256 body and the scalar tail
// (fma, product, quotient and square root, each rounded once), so its result does not depend on where it falls.
// Returns max |p|, max |m| and max |v| over the values written (Magnitude), for the Trainer's update guard.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>The scalars of one Adam step: hyperparameters and the bias corrections of step t.</summary>
internal readonly record struct AdamScalars(
    float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Epsilon, float CoupledDecay, float DecoupledFactor, float StepSize, float C2);

internal static class AdamUpdate
{
    /// <summary>
    /// g' = fma(λ, p, g);  m ← fma(β1, m, (1 − β1)·g');  v ← fma(β2, v, ((1 − β2)·g')·g');
    /// p ← fma(−stepSize, m / fma(√v, c2, ε), p·factor). Returns max |p|, max |m| and max |v| after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static UpdateMagnitudes Run(ReadOnlySpan<float> gradients, in AdamScalars s, Span<float> m, Span<float> v, Span<float> parameters)
    {
        ref float rg = ref MemoryMarshal.GetReference(gradients);
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float rp = ref MemoryMarshal.GetReference(parameters);
        float b1 = s.Beta1, c1 = s.OneMinusBeta1, b2 = s.Beta2, cb2 = s.OneMinusBeta2, eps = s.Epsilon;
        float wd = s.CoupledDecay, factor = s.DecoupledFactor, step = -s.StepSize, c2 = s.C2;
        nuint n = (uint)parameters.Length, i = 0;
        uint largestP = 0, largestM = 0, largestV = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vb1 = Vector512.Create(b1), vc1 = Vector512.Create(c1), vb2 = Vector512.Create(b2), vcb2 = Vector512.Create(cb2);
            Vector512<float> veps = Vector512.Create(eps), vwd = Vector512.Create(wd), vfactor = Vector512.Create(factor);
            Vector512<float> vstep = Vector512.Create(step), vc2 = Vector512.Create(c2);
            Vector512<uint> mp = Vector512<uint>.Zero, mm = Vector512<uint>.Zero, mv = Vector512<uint>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> p = Vector512.LoadUnsafe(ref rp, i);
                Vector512<float> g = Vector512.FusedMultiplyAdd(vwd, p, Vector512.LoadUnsafe(ref rg, i));
                Vector512<float> mi = Vector512.FusedMultiplyAdd(vb1, Vector512.LoadUnsafe(ref rm, i), vc1 * g);
                Vector512<float> vi = Vector512.FusedMultiplyAdd(vb2, Vector512.LoadUnsafe(ref rv, i), vcb2 * g * g);
                mi.StoreUnsafe(ref rm, i);
                vi.StoreUnsafe(ref rv, i);
                Vector512<float> denominator = Vector512.FusedMultiplyAdd(Vector512.Sqrt(vi), vc2, veps);
                p = Vector512.FusedMultiplyAdd(vstep, mi / denominator, p * vfactor);
                p.StoreUnsafe(ref rp, i);
                mp = Vector512.Max(mp, Magnitude.Bits(p));
                mm = Vector512.Max(mm, Magnitude.Bits(mi));
                mv = Vector512.Max(mv, Magnitude.Bits(vi));
            }

            (largestP, largestM, largestV) = (Magnitude.Largest(mp), Magnitude.Largest(mm), Magnitude.Largest(mv));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb1 = Vector256.Create(b1), vc1 = Vector256.Create(c1), vb2 = Vector256.Create(b2), vcb2 = Vector256.Create(cb2);
            Vector256<float> veps = Vector256.Create(eps), vwd = Vector256.Create(wd), vfactor = Vector256.Create(factor);
            Vector256<float> vstep = Vector256.Create(step), vc2 = Vector256.Create(c2);
            Vector256<uint> mp = Vector256<uint>.Zero, mm = Vector256<uint>.Zero, mv = Vector256<uint>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref rp, i);
                Vector256<float> g = Vector256.FusedMultiplyAdd(vwd, p, Vector256.LoadUnsafe(ref rg, i));
                Vector256<float> mi = Vector256.FusedMultiplyAdd(vb1, Vector256.LoadUnsafe(ref rm, i), vc1 * g);
                Vector256<float> vi = Vector256.FusedMultiplyAdd(vb2, Vector256.LoadUnsafe(ref rv, i), vcb2 * g * g);
                mi.StoreUnsafe(ref rm, i);
                vi.StoreUnsafe(ref rv, i);
                Vector256<float> denominator = Vector256.FusedMultiplyAdd(Vector256.Sqrt(vi), vc2, veps);
                p = Vector256.FusedMultiplyAdd(vstep, mi / denominator, p * vfactor);
                p.StoreUnsafe(ref rp, i);
                mp = Vector256.Max(mp, Magnitude.Bits(p));
                mm = Vector256.Max(mm, Magnitude.Bits(mi));
                mv = Vector256.Max(mv, Magnitude.Bits(vi));
            }

            (largestP, largestM, largestV) = (Magnitude.Largest(mp), Magnitude.Largest(mm), Magnitude.Largest(mv));
        }

        for (; i < n; i++)
        {
            ref float p = ref Unsafe.Add(ref rp, i);
            ref float mi = ref Unsafe.Add(ref rm, i);
            ref float vi = ref Unsafe.Add(ref rv, i);
            float g = MathF.FusedMultiplyAdd(wd, p, Unsafe.Add(ref rg, i));
            mi = MathF.FusedMultiplyAdd(b1, mi, c1 * g);
            vi = MathF.FusedMultiplyAdd(b2, vi, cb2 * g * g);
            float denominator = MathF.FusedMultiplyAdd(MathF.Sqrt(vi), c2, eps);
            p = MathF.FusedMultiplyAdd(step, mi / denominator, p * factor);
            largestP = Math.Max(largestP, Magnitude.Bits(p));
            largestM = Math.Max(largestM, Magnitude.Bits(mi));
            largestV = Math.Max(largestV, Magnitude.Bits(vi));
        }

        return new UpdateMagnitudes(Magnitude.Value(largestP), Magnitude.Value(largestM), Magnitude.Value(largestV));
    }
}
