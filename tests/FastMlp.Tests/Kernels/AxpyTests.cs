// AxpyTests: Axpy.Run(a, x, y), the SGD update y ← y + a·x, against its scalar formula with one fused
// multiply-add per element (MathF.FusedMultiplyAdd, the operation every lane performs), bit for bit, for
// every length 0..256 (every Vector512/Vector256 body and scalar tail), starting at element 0 and 1, with a
// sentinel after the end that must survive.
namespace FastMlp.Tests.Kernels;

public sealed class AxpyTests
{
    private const float Sentinel = -7.5f;

    [Fact]
    public void Every_length_matches_the_fused_scalar_formula_and_writes_nothing_past_the_end()
    {
        var random = new Random(5);
        foreach (int start in new[] { 0, 1 })
        {
            for (int length = 0; length <= 256; length++)
            {
                float a = (float)(random.NextDouble() * 4) - 2;
                float[] x = Fill(random, start + length + 1);
                float[] y = Fill(random, start + length + 1);
                y[start + length] = Sentinel;
                float[] want = (float[])y.Clone();
                for (int i = start; i < start + length; i++)
                {
                    want[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
                }

                Axpy.Run(a, x.AsSpan(start, length), y.AsSpan(start, length));
                Assert.True(want.AsSpan().SequenceEqual(y), $"length {length}, start {start}: got [{string.Join(", ", y)}], want [{string.Join(", ", want)}]");
            }
        }
    }

    [Fact]
    public void Special_values_propagate_as_ieee_says()
    {
        float[] x = [float.NaN, float.PositiveInfinity, 1f, 0f, -0f];
        float[] y = [1f, 1f, float.NegativeInfinity, -0f, -0f];
        Axpy.Run(2f, x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.Equal(float.NegativeInfinity, y[2]);
        Assert.Equal(0f, y[3]);
        Assert.True(float.IsNegative(y[4]), "2 · −0 + −0 is −0");
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2) - 1;
        }

        return values;
    }
}
