// Plain SGD, p ← fma(−lr, g, p), as a user would write it against IOptimizer: one Vector512 (or Vector256)
// fused multiply-add per register and a scalar tail, keeping no magnitude. The guard benchmarks time it as
// a custom optimizer (which the Trainer copies and checks every step) and against the library's own update
// (UpdateDriver with SgdRule, which also tracks max |p|): the same arithmetic, bit for bit.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp.Benchmarks.Infrastructure;

internal sealed class UserSgd(float learningRate) : IOptimizer
{
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters) => Update(-learningRate, gradients, parameters);

    /// <summary>p ← fma(a, g, p) elementwise, no tracking.</summary>
    public static void Update(float a, ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float p = ref MemoryMarshal.GetReference(parameters);
        nuint n = (uint)parameters.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> va = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
            {
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref g, i), Vector512.LoadUnsafe(ref p, i)).StoreUnsafe(ref p, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
            {
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref g, i), Vector256.LoadUnsafe(ref p, i)).StoreUnsafe(ref p, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref p, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref g, i), Unsafe.Add(ref p, i));
        }
    }
}
