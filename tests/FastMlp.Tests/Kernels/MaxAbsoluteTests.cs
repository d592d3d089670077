// MaxAbsoluteTests: MaxAbsolute.OrNaN, the divergence guard's primitive, against its scalar definition for
// every length 0..256 (all vector bodies and tails): max |x| over finite values, and NaN as soon as any one
// element, wherever it sits, is NaN, +∞ or −∞ (lengths 1..140: the four-accumulator body, the one-vector
// loop and the scalar tail of either vector width).
namespace FastMlp.Tests.Kernels;

public sealed class MaxAbsoluteTests
{
    [Fact]
    public void Finite_values_give_the_largest_magnitude()
    {
        var random = new Random(8);
        for (int length = 0; length <= 256; length++)
        {
            float[] x = new float[length];
            float want = 0f;
            for (int i = 0; i < length; i++)
            {
                x[i] = (float)((random.NextDouble() * 200) - 100);
                want = Math.Max(want, Math.Abs(x[i]));
            }

            Assert.Equal(want, MaxAbsolute.OrNaN(x));
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void One_non_finite_value_anywhere_gives_NaN(float bad)
    {
        for (int length = 1; length <= 140; length++)
        {
            for (int at = 0; at < length; at++)
            {
                float[] x = new float[length];
                Array.Fill(x, -3.5f);
                x[at] = bad;
                Assert.True(float.IsNaN(MaxAbsolute.OrNaN(x)), $"length {length}, {bad} at {at}");
            }
        }
    }

    [Fact]
    public void The_largest_finite_float_is_still_finite() =>
        Assert.Equal(float.MaxValue, MaxAbsolute.OrNaN([1f, -float.MaxValue, 2f, 0f, 0f, 0f, 0f, 0f, 0f, 3f]));
}
