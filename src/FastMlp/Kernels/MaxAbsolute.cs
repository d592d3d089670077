// max |x| over a span, or NaN when any value is NaN or infinite: the divergence guard's one primitive.
// x − x is 0 for every finite x and NaN otherwise, so one subtraction per element finds the bad values
// (vmaxps alone would drop a NaN depending on operand order).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class MaxAbsolute
{
    /// <summary>max |x|, 0 for an empty span, NaN if any element is NaN or ±∞.</summary>
    public static float OrNaN(ReadOnlySpan<float> x)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        nuint n = (uint)x.Length, i = 0;
        float max = 0f, bad = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> vmax = Vector256<float>.Zero, vbad = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref r, i);
                vmax = Vector256.Max(vmax, Vector256.Abs(v));
                vbad += v - v;
            }

            for (int k = 0; k < Vector256<float>.Count; k++)
            {
                max = MathF.Max(max, vmax[k]);
            }

            bad = Vector256.Sum(vbad);
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref r, i);
            max = MathF.Max(max, MathF.Abs(v));
            bad += v - v;
        }

        return bad == 0f ? max : float.NaN;
    }
}
