// max |x| kept by the update kernels over the values they write, at no extra memory traffic (the update
// guard's bound on the next step). The bit pattern of |x| (sign cleared) read as an unsigned integer orders
// like |x| for every float and puts +∞ above every finite value and NaN above +∞, so an integer max over
// the bits finds max |x| and never loses a NaN or an infinity (a float vmaxps drops a NaN depending on
// operand order). One AND and one integer max per vector.
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class Magnitude
{
    private const uint AbsoluteMask = 0x7FFF_FFFF;

    /// <summary>The bits of |x|, lane by lane.</summary>
    public static Vector512<uint> Bits(Vector512<float> x) => x.AsUInt32() & Vector512.Create(AbsoluteMask);

    /// <summary>The bits of |x|, lane by lane.</summary>
    public static Vector256<uint> Bits(Vector256<float> x) => x.AsUInt32() & Vector256.Create(AbsoluteMask);

    /// <summary>The bits of |x|.</summary>
    public static uint Bits(float x) => BitConverter.SingleToUInt32Bits(x) & AbsoluteMask;

    /// <summary>The largest lane.</summary>
    public static uint Largest(Vector512<uint> bits) => Largest(Vector256.Max(bits.GetLower(), bits.GetUpper()));

    /// <summary>The largest lane.</summary>
    public static uint Largest(Vector256<uint> bits)
    {
        Vector128<uint> half = Vector128.Max(bits.GetLower(), bits.GetUpper());
        return Math.Max(Math.Max(half[0], half[1]), Math.Max(half[2], half[3]));
    }

    /// <summary>The magnitude whose bits these are: max |x| when every x was finite, +∞ or NaN otherwise.</summary>
    public static float Value(uint bits) => BitConverter.UInt32BitsToSingle(bits);
}
