// bfloat16: the upper half of a float (sign, the same 8-bit exponent, 7 of the 23 mantissa bits). Rounding a
// float to it is integer arithmetic on the bits: add 0x7FFF plus the lowest kept bit, then keep the upper
// half, which rounds to nearest with ties to even; a carry out of the mantissa moves into the exponent, the
// largest finite floats round up to infinity exactly when IEEE 754 says so, and subnormals round like any
// other value (the exponent field is shared). A NaN is kept a NaN by setting the quiet bit, which the
// addition could otherwise clear (0x7F80_0001 would become infinity). Widening back is a 16-bit shift.
namespace FastMlp;

internal static class BFloat16
{
    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even; NaN stays NaN, sign kept).</summary>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>The float holding <paramref name="value"/> exactly.</summary>
    public static float Widen(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);
}
