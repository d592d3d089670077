// NaiveErfTests: GELU's double yardstick checked itself: erf and erfc against values computed to 40 digits
// (mpmath), on both sides of the series/continued-fraction split at 2 and far into the tail, where erfc must keep
// its relative accuracy (it is Φ(x) for x ≪ 0); and NaiveMlp's GELU and SiLU derivatives against central
// differences of NaiveMlp.Apply.
using FastMlp.Reference;

namespace FastMlp.Tests.Reference;

public sealed class NaiveErfTests
{
    [Theory]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(1.5, 0.96610514647531073)]
    [InlineData(1.99, 0.995111413199617)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.01, 0.99552484935524824)]
    [InlineData(3.0, 0.9999779095030014)]
    public void Erf_matches_known_values_to_1e_15(double x, double erf)
    {
        Assert.True(Math.Abs(NaiveErf.Erf(x) - erf) <= 1e-15, $"erf({x}) = {NaiveErf.Erf(x):R}, known {erf:R}");
        Assert.True(Math.Abs(NaiveErf.Erf(-x) + erf) <= 1e-15, $"erf({-x}) = {NaiveErf.Erf(-x):R}, known {-erf:R}");
    }

    [Theory]
    [InlineData(0.5, 0.47950012218695346)]
    [InlineData(2.5, 0.00040695201744495894)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(10.0, 2.0884875837625448e-45)]
    [InlineData(26.0, 5.6631924088561428e-296)]
    [InlineData(-3.0, 1.9999779095030014)]
    public void Erfc_matches_known_values_to_1e_14_relative(double x, double erfc) =>
        Assert.True(Math.Abs(NaiveErf.Erfc(x) - erfc) <= 1e-14 * erfc, $"erfc({x}) = {NaiveErf.Erfc(x):R}, known {erfc:R}");

    [Fact]
    public void Erf_of_nan_and_the_infinities()
    {
        Assert.True(double.IsNaN(NaiveErf.Erf(double.NaN)));
        Assert.Equal(1, NaiveErf.Erf(double.PositiveInfinity));
        Assert.Equal(-1, NaiveErf.Erf(double.NegativeInfinity));
        Assert.Equal(0, NaiveErf.Erfc(double.PositiveInfinity));
        Assert.Equal(2, NaiveErf.Erfc(double.NegativeInfinity));
    }

    [Theory]
    [InlineData(NaiveActivation.Gelu)]
    [InlineData(NaiveActivation.Silu)]
    public void Gelu_and_silu_derivatives_match_central_differences(NaiveActivation f)
    {
        for (double z = -8; z <= 8; z += 0.0625)
        {
            const double h = 1e-5;
            double central = (NaiveMlp.Apply(f, z + h) - NaiveMlp.Apply(f, z - h)) / (2 * h);
            Assert.True(Math.Abs(NaiveMlp.Derivative(f, z) - central) <= 1e-9, $"{f}'({z}) = {NaiveMlp.Derivative(f, z):R}, central difference {central:R}");
        }
    }
}
