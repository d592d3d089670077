// The one forward pass of the activations computed in registers, the piecewise-linear ones (ReLU, LeakyReLU) and
// the smooth rectifiers (GELU, SiLU, over ILanes): z ← r(z + b) in one sweep, the widest vectors first, then the
// scalar tail, each lane the bits of the operator's scalar Activate, without a TensorPrimitives call per row and a
// second sweep (a W3 batch-64 prediction makes 128 such row calls).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>A rectifier's function on whole registers, lane by lane as its scalar <see cref="Activate"/>.</summary>
internal interface IRectifier
{
    static abstract Vector512<float> Rectify(Vector512<float> x);

    static abstract Vector256<float> Rectify(Vector256<float> x);

    static abstract float Activate(float z);
}

internal static class Rectifier
{
    /// <summary>z ← r(z + b) over one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TRectifier>(ReadOnlySpan<float> bias, Span<float> z)
        where TRectifier : struct, IRectifier
    {
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float rz = ref MemoryMarshal.GetReference(z);
        nuint n = (uint)z.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                TRectifier.Rectify(Vector512.LoadUnsafe(ref rz, i) + Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rz, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                TRectifier.Rectify(Vector256.LoadUnsafe(ref rz, i) + Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rz, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rz, i) = TRectifier.Activate(Unsafe.Add(ref rz, i) + Unsafe.Add(ref rb, i));
        }
    }
}
