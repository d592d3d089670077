// PyTorchConversionTests: LoadPyTorch converts F16 and BF16 exactly to F32 (issue 15), checked through the public
// API on every one of the 65,536 bit patterns of each (a 256×256 weight holding them all, loaded with
// non-finite weights allowed), against scalar references written from the formats' definitions in arithmetic
// (sign · (1 + m/2^p) · 2^(e − bias), subnormals sign · (m/2^p) · 2^(1 − bias)), not from bit shifts:
// subnormals, ±0, ±infinity and every NaN with its sign and payload (shifted to the top of F32's mantissa).
// F16 is also checked against System.Half's conversion for every non-NaN pattern.
using System.Buffers.Binary;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

public sealed class PyTorchConversionTests
{
    [Fact]
    public void Every_F16_bit_pattern_loads_as_its_exact_F32_value()
    {
        float[] loaded = LoadEveryPattern("F16");
        for (int bits = 0; bits < 65536; bits++)
        {
            uint expected = BitConverter.SingleToUInt32Bits(Reference((ushort)bits, exponentBits: 5, mantissaBits: 10));
            Assert.True(expected == BitConverter.SingleToUInt32Bits(loaded[bits]), $"F16 0x{bits:X4}: expected 0x{expected:X8}, loaded 0x{BitConverter.SingleToUInt32Bits(loaded[bits]):X8}");
            if (!float.IsNaN(loaded[bits]))
            {
                Assert.Equal((float)BitConverter.UInt16BitsToHalf((ushort)bits), loaded[bits]);
            }
        }
    }

    [Fact]
    public void Every_BF16_bit_pattern_loads_as_its_exact_F32_value()
    {
        float[] loaded = LoadEveryPattern("BF16");
        for (int bits = 0; bits < 65536; bits++)
        {
            uint expected = BitConverter.SingleToUInt32Bits(Reference((ushort)bits, exponentBits: 8, mantissaBits: 7));
            Assert.True(expected == BitConverter.SingleToUInt32Bits(loaded[bits]), $"BF16 0x{bits:X4}: expected 0x{expected:X8}, loaded 0x{BitConverter.SingleToUInt32Bits(loaded[bits]):X8}");
        }
    }

    /// <summary>The value of a 16-bit float with this layout, by its definition; NaN built with its sign and payload.</summary>
    private static float Reference(ushort bits, int exponentBits, int mantissaBits)
    {
        int bias = (1 << (exponentBits - 1)) - 1;
        bool negative = (bits & 0x8000) != 0;
        int exponent = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
        int mantissa = bits & ((1 << mantissaBits) - 1);
        double sign = negative ? -1 : 1;
        if (exponent == (1 << exponentBits) - 1)
        {
            if (mantissa == 0)
            {
                return negative ? float.NegativeInfinity : float.PositiveInfinity;
            }

            // A NaN: F32's exponent all ones, the payload in the top mantissa bits, the sign kept.
            return BitConverter.UInt32BitsToSingle((negative ? 0x80000000u : 0) | 0x7F800000u | ((uint)mantissa << (23 - mantissaBits)));
        }

        double fraction = mantissa / (double)(1 << mantissaBits);
        double value = exponent == 0
            ? sign * Math.ScaleB(fraction, 1 - bias)
            : sign * Math.ScaleB(1 + fraction, exponent - bias);
        return (float)value;   // exact: every such value is an F32 (the cast keeps −0 as −0)
    }

    /// <summary>Loads a 256×256 Linear whose weight[o, i] holds pattern 256·o + i; returns the patterns' F32 values in that order.</summary>
    private static float[] LoadEveryPattern(string dtype)
    {
        byte[] weight = new byte[65536 * 2];
        for (int bits = 0; bits < 65536; bits++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(weight.AsSpan(2 * bits), (ushort)bits);
        }

        byte[] bias = new byte[256 * 2];
        string header = $"{{'0.bias':{{'dtype':'{dtype}','shape':[256],'data_offsets':[0,512]}},'0.weight':{{'dtype':'{dtype}','shape':[256,256],'data_offsets':[512,{512 + weight.Length}]}}}}".Replace('\'', '"');
        byte[] file = ModelFileBytes.Build(header, [.. bias, .. weight]);
        Network network = Network.LoadPyTorch(new MemoryStream(file), [Activation.Identity], "", new ModelLoadOptions { AllowNonFiniteWeights = true });

        // W [in, out] = weightᵀ: pattern 256·o + i is W[i, o].
        ReadOnlySpan<float> w = network.Parameters[..65536];
        float[] values = new float[65536];
        for (int o = 0; o < 256; o++)
        {
            for (int i = 0; i < 256; i++)
            {
                values[(256 * o) + i] = w[(i * 256) + o];
            }
        }

        Assert.True(network.Parameters[65536..].ToArray().All(b => BitConverter.SingleToUInt32Bits(b) == 0));
        return values;
    }
}
