using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Tests;

/// <summary><see cref="Agreement.Compare"/>: the check that stops a peer's row before it is timed.</summary>
public sealed class AgreementTests
{
    [Fact]
    public void Values_within_the_tolerance_agree() =>
        Assert.Null(Agreement.Compare([1f, -2f, 0.5f], [1f + 1e-6f, -2f, 0.5f - 1e-6f], 1e-5));

    [Fact]
    public void The_worst_element_above_the_tolerance_is_named()
    {
        string? problem = Agreement.Compare([1f, 2f, 3f], [1f, 2.001f, 3.1f], 1e-3);

        Assert.NotNull(problem);
        Assert.Contains("at element 2 (3.1 vs 3)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tolerance_is_relative_to_the_largest_magnitude_when_it_exceeds_one()
    {
        // |Δ| = 0.05 against values of 1,000: 5e-5 relative, within 1e-4; the same |Δ| on values of 1 is not.
        Assert.Null(Agreement.Compare([1000f, 10f], [1000.05f, 10f], 1e-4));
        Assert.NotNull(Agreement.Compare([1f, 0.5f], [1.05f, 0.5f], 1e-4));
    }

    [Fact]
    public void A_non_finite_value_never_agrees()
    {
        Assert.Contains("NaN", Agreement.Compare([1f, 2f], [1f, float.NaN], 1e9), StringComparison.Ordinal);
        Assert.NotNull(Agreement.Compare([1f], [float.PositiveInfinity], 1e9));
    }

    [Fact]
    public void A_length_difference_never_agrees() =>
        Assert.Equal("2 values where 3 were expected", Agreement.Compare([1f, 2f, 3f], [1f, 2f], 1));
}
