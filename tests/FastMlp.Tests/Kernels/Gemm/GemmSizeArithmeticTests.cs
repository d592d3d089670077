// GemmSizeArithmeticTests: the size arithmetic every GEMM path shares (GemmBlocking.CeilDiv, RoundUp,
// Share, and the block sizes) at the limits of an int (issue 9: (value + multiple − 1) wrapped
// negative for value near int.MaxValue). The expected values come from 128-bit integers, never from
// the arithmetic under test: int.MaxValue, int.MaxValue − 1, values either side of multiples of the
// kernels' MR and NR, and small values.
using System.Numerics;

namespace FastMlp.Tests.Kernels;

public sealed class GemmSizeArithmeticTests
{
    private static readonly int[] Units = [1, 2, 4, 6, 8, 16, 32];

    public static TheoryData<int> Values()
    {
        var rows = new TheoryData<int> { 0, 1, 5, 6, 7, 31, 32, 33, int.MaxValue, int.MaxValue - 1 };
        foreach (int unit in Units)
        {
            int lastMultiple = int.MaxValue / unit * unit;
            rows.Add(lastMultiple);
            rows.Add(lastMultiple - 1);
            if (lastMultiple < int.MaxValue)
            {
                rows.Add(lastMultiple + 1);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void CeilDiv_is_exact_up_to_int_MaxValue(int value)
    {
        foreach (int divisor in Units.Append(3).Append(int.MaxValue))
        {
            BigInteger expected = BigInteger.DivRem(value, divisor, out BigInteger remainder) + (remainder > 0 ? 1 : 0);
            Assert.Equal(expected, (BigInteger)GemmBlocking.CeilDiv(value, divisor));
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void RoundUp_is_exact_past_int_MaxValue(int value)
    {
        foreach (int multiple in Units)
        {
            BigInteger expected = (BigInteger.DivRem(value, multiple, out BigInteger remainder) + (remainder > 0 ? 1 : 0)) * multiple;
            Assert.Equal(expected, (BigInteger)GemmBlocking.RoundUp(value, multiple));
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Share_cuts_the_range_into_whole_units_in_order(int count)
    {
        foreach (int unit in Units)
        {
            foreach (int workers in new[] { 1, 2, 3, 7, 64 })
            {
                // ⌈count / workers⌉ rounded up to a unit, per worker in order; the last ones get what is left.
                BigInteger perWorker = (BigInteger.DivRem(count + (BigInteger)workers - 1, workers, out _) + unit - 1) / unit * unit;
                int previousEnd = 0;
                for (int worker = 0; worker < workers; worker++)
                {
                    (int start, int end) = GemmBlocking.Share(count, unit, worker, workers);
                    BigInteger expectedStart = BigInteger.Min(count, worker * perWorker);
                    BigInteger expectedEnd = BigInteger.Min(count, expectedStart + perWorker);
                    string what = $"Share({count}, unit {unit}, worker {worker} of {workers})";
                    Assert.True(start == expectedStart && end == expectedEnd, $"{what} = [{start}, {end}), expected [{expectedStart}, {expectedEnd})");
                    Assert.True(start == previousEnd, $"{what} starts at {start}, not where the previous share ended ({previousEnd})");
                    previousEnd = end;
                }

                Assert.Equal(count, previousEnd);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(144)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 5)]
    public void Blocks_are_whole_panels_and_a_buffer_of_two_fits_an_int(int size)
    {
        var blocking = new GemmBlocking(MC: size, KC: size, NC: size);
        foreach (int unit in Units)
        {
            int rows = blocking.RowBlock(unit), columns = blocking.ColumnBlock(unit), depth = blocking.DepthBlock;
            Assert.True(rows > 0 && rows % unit == 0 && rows >= Math.Min(size, 1 << 15), $"MC {size}: RowBlock({unit}) = {rows}");
            Assert.True(columns > 0 && columns % unit == 0 && columns >= Math.Min(size, 1 << 15), $"NC {size}: ColumnBlock({unit}) = {columns}");
            Assert.True(depth > 0 && (long)depth * Math.Max(rows, columns) <= int.MaxValue, $"KC {size}: DepthBlock {depth} times a block of {Math.Max(rows, columns)} overflows an int");
        }
    }
}
