// max |x| over a span, or NaN when any value is NaN or infinite: the divergence guard's one primitive.
// An unsigned max over the bits of |x| (Magnitude) orders every finite value below +∞ and +∞ below NaN,
// so one AND and one integer max per vector find both the largest magnitude and any bad value, and four
// independent accumulators keep the loop at the memory's speed. Over the W2 network's 235,146 parameters,
// side by side: 9.8 µs, as fast as a plain vector sum; the float max with a running x − x sum it replaces
// (one dependency chain each) ran at their latency, 34 µs.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class MaxAbsolute
{
    private const uint InfinityBits = 0x7F80_0000;

    /// <summary>max |x|, 0 for an empty span, NaN if any element is NaN or ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float OrNaN(ReadOnlySpan<float> x)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        nuint n = (uint)x.Length, i = 0;
        uint largest = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<uint> m0 = Vector512<uint>.Zero, m1 = Vector512<uint>.Zero, m2 = Vector512<uint>.Zero, m3 = Vector512<uint>.Zero;
            for (; i + 64 <= n; i += 64)
            {
                m0 = Vector512.Max(m0, Magnitude.Bits(Vector512.LoadUnsafe(ref r, i)));
                m1 = Vector512.Max(m1, Magnitude.Bits(Vector512.LoadUnsafe(ref r, i + 16)));
                m2 = Vector512.Max(m2, Magnitude.Bits(Vector512.LoadUnsafe(ref r, i + 32)));
                m3 = Vector512.Max(m3, Magnitude.Bits(Vector512.LoadUnsafe(ref r, i + 48)));
            }

            for (; i + 16 <= n; i += 16)
            {
                m0 = Vector512.Max(m0, Magnitude.Bits(Vector512.LoadUnsafe(ref r, i)));
            }

            largest = Magnitude.Largest(Vector512.Max(Vector512.Max(m0, m1), Vector512.Max(m2, m3)));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<uint> m0 = Vector256<uint>.Zero, m1 = Vector256<uint>.Zero, m2 = Vector256<uint>.Zero, m3 = Vector256<uint>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                m0 = Vector256.Max(m0, Magnitude.Bits(Vector256.LoadUnsafe(ref r, i)));
                m1 = Vector256.Max(m1, Magnitude.Bits(Vector256.LoadUnsafe(ref r, i + 8)));
                m2 = Vector256.Max(m2, Magnitude.Bits(Vector256.LoadUnsafe(ref r, i + 16)));
                m3 = Vector256.Max(m3, Magnitude.Bits(Vector256.LoadUnsafe(ref r, i + 24)));
            }

            for (; i + 8 <= n; i += 8)
            {
                m0 = Vector256.Max(m0, Magnitude.Bits(Vector256.LoadUnsafe(ref r, i)));
            }

            largest = Magnitude.Largest(Vector256.Max(Vector256.Max(m0, m1), Vector256.Max(m2, m3)));
        }

        for (; i < n; i++)
        {
            largest = Math.Max(largest, Magnitude.Bits(Unsafe.Add(ref r, i)));
        }

        return largest < InfinityBits ? Magnitude.Value(largest) : float.NaN;
    }
}
