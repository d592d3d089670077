// Symmetric int8 quantization, the one definition the weights (per column, once) and the activations (per row,
// every call) share, and that tests/FastMlp.Reference/NaiveInt8.cs restates: for a group of values with largest
// magnitude m (finite),
//     scale = m / 127                                  (float division, RNE)
//     inverse = min(127 / m, float.MaxValue)           (float; m = 0 gives +inf, clamped, so every q is 0)
//     q = (sbyte) RNE(clamp(x · inverse, −127, 127))   (float product; clamp first, then round to even)
// so x ≈ q · scale and |q| ≤ 127: −128 never occurs, so |q| fits a u8 operand and the pair sums of vpmaddubsw
// stay below 2·127² = 32,258 (no saturation). A group holding a NaN or ±∞ has scale NaN and every q 0, so each
// output it reaches is NaN. The vector loops compute the same float operations as the scalar one, lane by lane
// (Round is RNE, Min/Max see no NaN), so every path gives the same bytes.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal static unsafe class Int8Quantize
{
    /// <summary>The largest |q|.</summary>
    public const int Limit = 127;

    /// <summary>m / 127 for a finite largest magnitude m; NaN when m is NaN (a non-finite group).</summary>
    public static float Scale(float largest) => float.IsFinite(largest) ? largest / Limit : float.NaN;

    /// <summary>min(127 / m, float.MaxValue): what each value is multiplied by before rounding.</summary>
    public static float Inverse(float largest) => Math.Min(Limit / largest, float.MaxValue);

    /// <summary>RNE(clamp(x · inverse, −127, 127)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte Quantize(float x, float inverse) => (sbyte)MathF.Round(Math.Clamp(x * inverse, -Limit, Limit));

    /// <summary>
    /// q [padded] from x [k] (padded ≥ k; q[k..padded) = 0); returns the row's scale, and in
    /// <paramref name="negative"/> whether any q is below 0. A row with a NaN or ±∞ gets scale NaN and q all 0.
    /// </summary>
    public static float Row(float* x, int k, sbyte* q, int padded, out bool negative)
    {
        float largest = MaxAbsolute.OrNaN(new ReadOnlySpan<float>(x, k));
        int i = 0, least = 0;
        negative = false;
        if (!float.IsFinite(largest))
        {
            new Span<sbyte>(q, padded).Clear();
            return float.NaN;
        }

        float inverse = Inverse(largest);
        if (Avx512F.IsSupported)
        {
            Vector512<float> by = Vector512.Create(inverse), low = Vector512.Create((float)-Limit), high = Vector512.Create((float)Limit);
            Vector512<int> smallest = Vector512<int>.Zero;
            for (; i + 16 <= k; i += 16)
            {
                Vector512<int> v = Vector512.ConvertToInt32(Vector512.Round(Vector512.Min(Vector512.Max(Vector512.Load(x + i) * by, low), high)));
                smallest = Vector512.Min(smallest, v);
                Vector128.Store(Avx512F.ConvertToVector128SByte(v), q + i);
            }

            least = Vector512.LessThanAny(smallest, Vector512<int>.Zero) ? -1 : 0;
        }
        else if (Avx2.IsSupported)
        {
            Vector256<float> by = Vector256.Create(inverse), low = Vector256.Create((float)-Limit), high = Vector256.Create((float)Limit);
            Vector256<int> smallest = Vector256<int>.Zero;
            for (; i + 8 <= k; i += 8)
            {
                Vector256<int> v = Vector256.ConvertToInt32(Vector256.Round(Vector256.Min(Vector256.Max(Vector256.Load(x + i) * by, low), high)));
                smallest = Vector256.Min(smallest, v);
                Vector256<sbyte> bytes = Vector256.Narrow(Vector256.Narrow(v, v), Vector256.Narrow(v, v));
                *(long*)(q + i) = bytes.AsInt64().GetElement(0);
            }

            least = Vector256.LessThanAny(smallest, Vector256<int>.Zero) ? -1 : 0;
        }

        for (; i < k; i++)
        {
            q[i] = Quantize(x[i], inverse);
            least = Math.Min(least, q[i]);
        }

        for (; i < padded; i++)
        {
            q[i] = 0;
        }

        negative = least < 0;
        return Scale(largest);
    }
}
