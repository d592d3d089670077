// SgdTests: Sgd(lr) accepts only a positive, finite learning rate; Step computes p ← p − lr·g in place
// over the whole flat buffer (dyadic values, so the result is exact whether or not the update is fused),
// and rejects gradients whose length differs from the parameters' or that overlap them, writing nothing.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class SgdTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_learning_rate_that_is_not_positive_and_finite_throws(float learningRate)
    {
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(nameof(learningRate), () => _ = new Sgd(learningRate), "positive and finite");
    }

    [Theory]
    [InlineData(float.Epsilon)]
    [InlineData(1e-3f)]
    [InlineData(float.MaxValue)]
    public void Positive_finite_learning_rates_are_kept(float learningRate)
    {
        Assert.Equal(learningRate, new Sgd(learningRate).LearningRate);
    }

    [Fact]
    public void Step_subtracts_the_scaled_gradient_in_place_at_every_length()
    {
        var sgd = new Sgd(0.5f);
        for (int n = 0; n <= 70; n++)
        {
            float[] p = new float[n + 1], g = new float[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = (i % 7) - 3.25f;
                g[i] = ((i % 5) - 2) * 0.75f;
            }

            p[n] = 99;   // past the end: must stay
            sgd.Step(g, p.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                Assert.Equal((i % 7) - 3.25f - (0.5f * ((i % 5) - 2) * 0.75f), p[i]);
            }

            Assert.Equal(99, p[n]);
        }
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(5, 4)]
    public void Step_with_lengths_that_differ_throws_and_writes_nothing(int gradients, int parameters)
    {
        float[] g = new float[gradients], p = [1, 2, 3, 4];
        Array.Fill(g, 1f);
        ArgumentAssert.Throws<ArgumentException>(nameof(gradients), () => new Sgd(0.5f).Step(g, p.AsSpan(0, parameters)), gradients.ToString(System.Globalization.CultureInfo.InvariantCulture), "4");
        Assert.Equal([1, 2, 3, 4], p);
    }

    [Fact]
    public void Step_with_overlapping_buffers_throws_and_writes_nothing()
    {
        float[] shared = [1, 2, 3, 4, 5, 6];
        ArgumentAssert.Throws<ArgumentException>("gradients", () => new Sgd(0.5f).Step(shared.AsSpan(0, 4), shared.AsSpan(2, 4)), "overlaps");
        Assert.Equal([1, 2, 3, 4, 5, 6], shared);
    }
}
