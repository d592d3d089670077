// BFloat16Tests: BFloat16.Round against NaiveBFloat16.Round (the IEEE definition in double) on every edge of
// the format, for both signs and every exponent 0..255: the 16 dropped bits just below, at and above the tie
// (0x7FFF, 0x8000, 0x8001) and at their ends (0, 1, 0xFFFF), under kept mantissas that are even, odd and all
// ones (a carry into the exponent; at exponent 254, the largest finite rounding to infinity; at 0, the
// subnormals), exponent 255 being the infinities and the NaNs (every NaN must stay a NaN, with its sign); then
// a million random bit patterns. Widen is exact: every bfloat16 pattern widens to the float with those upper bits.
using FastMlp.Reference;

namespace FastMlp.Tests.Kernels;

public sealed class BFloat16Tests
{
    private static readonly uint[] s_kept = [0x00, 0x01, 0x02, 0x3F, 0x40, 0x7E, 0x7F];
    private static readonly uint[] s_dropped = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF];

    [Fact]
    public void Round_matches_the_IEEE_definition_on_every_exponent_at_the_ties_carries_and_ends()
    {
        int checkedCount = 0;
        for (uint sign = 0; sign < 2; sign++)
        {
            for (uint exponent = 0; exponent < 256; exponent++)
            {
                foreach (uint kept in s_kept)
                {
                    foreach (uint dropped in s_dropped)
                    {
                        Check((sign << 31) | (exponent << 23) | (kept << 16) | dropped);
                        checkedCount++;
                    }
                }
            }
        }

        Assert.Equal(2 * 256 * s_kept.Length * s_dropped.Length, checkedCount);
    }

    [Fact]
    public void Round_matches_the_IEEE_definition_on_a_million_random_floats()
    {
        var random = new Random(16);
        for (int n = 0; n < 1_000_000; n++)
        {
            Check((uint)random.NextInt64(0, 1L << 32));
        }
    }

    [Fact]
    public void The_largest_finite_values_round_to_infinity_exactly_from_the_midpoint()
    {
        // (2 − 2^−7)·2^127 is the largest finite bfloat16; the midpoint to 2^128 is 0x7F7F8000, which ties to even: ∞.
        Assert.Equal(0x7F7F, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x7F7F7FFF)));
        Assert.Equal(0x7F80, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x7F7F8000)));
        Assert.Equal(0xFF80, BFloat16.Round(BitConverter.UInt32BitsToSingle(0xFF7F8000)));
        Assert.Equal(0x7F80, BFloat16.Round(float.MaxValue));
    }

    [Fact]
    public void Every_NaN_with_a_payload_only_in_the_dropped_bits_stays_a_NaN()
    {
        for (uint dropped = 1; dropped <= 0xFFFF; dropped++)
        {
            Assert.True(float.IsNaN(BFloat16.Widen(BFloat16.Round(BitConverter.UInt32BitsToSingle(0x7F80_0000 | dropped)))), $"0x7F80{dropped:X4}");
            Assert.True(float.IsNaN(BFloat16.Widen(BFloat16.Round(BitConverter.UInt32BitsToSingle(0xFF80_0000 | dropped)))), $"0xFF80{dropped:X4}");
        }
    }

    [Fact]
    public void Widen_gives_the_float_of_the_upper_bits_for_every_pattern()
    {
        for (uint bits = 0; bits <= 0xFFFF; bits++)
        {
            Assert.Equal(bits << 16, BitConverter.SingleToUInt32Bits(BFloat16.Widen((ushort)bits)));
        }
    }

    private static void Check(uint bits)
    {
        float value = BitConverter.UInt32BitsToSingle(bits);
        float got = BFloat16.Widen(BFloat16.Round(value)), want = NaiveBFloat16.Round(value);
        if (float.IsNaN(want))
        {
            Assert.True(float.IsNaN(got) && float.IsNegative(got) == float.IsNegative(value), $"0x{bits:X8}: a NaN became 0x{BitConverter.SingleToUInt32Bits(got):X8}");
        }
        else
        {
            Assert.True(BitConverter.SingleToUInt32Bits(got) == BitConverter.SingleToUInt32Bits(want), $"0x{bits:X8}: rounded to 0x{BitConverter.SingleToUInt32Bits(got):X8}, the definition gives 0x{BitConverter.SingleToUInt32Bits(want):X8}");
        }
    }
}
