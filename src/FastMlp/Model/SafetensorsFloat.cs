// SafetensorsFloat: the floating-point dtypes a state_dict may store and their exact conversion to F32.
// Every F16 and BF16 value is an F32 value, so the conversion loses nothing: F16 subnormals become normal
// F32 numbers, infinities stay infinities, and a NaN keeps its sign and payload (shifted into the F32
// mantissa's top bits, as torch's own up-conversion does), signalling NaNs included. Data is little-endian.
using System.Buffers.Binary;

namespace FastMlp;

internal static class SafetensorsFloat
{
    /// <summary>The dtype named <paramref name="dtype"/> in a safetensors header, or null when it is not F32, F16 or BF16.</summary>
    public static FloatDtype? Parse(string dtype) => dtype switch
    {
        "F32" => FloatDtype.F32,
        "F16" => FloatDtype.F16,
        "BF16" => FloatDtype.BF16,
        _ => null,
    };

    /// <summary>Bytes per element.</summary>
    public static int Size(FloatDtype dtype) => dtype == FloatDtype.F32 ? 4 : 2;

    /// <summary>Converts the little-endian elements in <paramref name="source"/> to <paramref name="destination"/> (one per element).</summary>
    public static void ToSingle(ReadOnlySpan<byte> source, FloatDtype dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case FloatDtype.F32:
                for (int e = 0; e < destination.Length; e++)
                {
                    destination[e] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * e)..]);
                }

                break;
            case FloatDtype.F16:
                for (int e = 0; e < destination.Length; e++)
                {
                    destination[e] = HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * e)..]));
                }

                break;
            default:
                for (int e = 0; e < destination.Length; e++)
                {
                    destination[e] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * e)..]));
                }

                break;
        }
    }

    /// <summary>bfloat16 is the high half of an F32: the bits shifted up 16.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>
    /// IEEE binary16 to binary32, exactly. Sign, 5-bit exponent (bias 15), 10-bit mantissa: a normal number
    /// rebiases the exponent to 127 and shifts the mantissa up 13; a subnormal m·2^-24 is normalized (its leading
    /// one shifted to the implicit bit); exponent 31 is infinity (m = 0) or NaN (payload kept).
    /// </summary>
    public static float HalfToSingle(ushort bits)
    {
        uint sign = (uint)(bits & 0x8000) << 16;
        int exponent = (bits >> 10) & 0x1F;
        uint mantissa = (uint)bits & 0x3FF;
        if (exponent == 0x1F)
        {
            return BitConverter.UInt32BitsToSingle(sign | 0x7F800000u | (mantissa << 13));
        }

        if (exponent == 0)
        {
            if (mantissa == 0)
            {
                return BitConverter.UInt32BitsToSingle(sign);
            }

            // m·2^-24 with m < 2^10: shift m until bit 10 (the implicit one) is set, lowering the exponent each step.
            exponent = 1;
            while ((mantissa & 0x400) == 0)
            {
                mantissa <<= 1;
                exponent--;
            }

            mantissa &= 0x3FF;
        }

        return BitConverter.UInt32BitsToSingle(sign | ((uint)(exponent + 127 - 15) << 23) | (mantissa << 13));
    }
}

/// <summary>A floating-point safetensors dtype that converts exactly to F32.</summary>
internal enum FloatDtype
{
    /// <summary>IEEE binary32.</summary>
    F32,

    /// <summary>IEEE binary16.</summary>
    F16,

    /// <summary>bfloat16: the high 16 bits of a binary32.</summary>
    BF16,
}
