// NaiveBFloat16: bfloat16 rounding from the IEEE 754 definition, in double, with no bit tricks, and the
// weights of a NaiveMlp parameter vector rounded with it (what a BFloat16 Predictor multiplies by).
//
// bfloat16 has the float's exponent range and 8 significant bits, so in the binade [2^e, 2^(e+1)) of a normal
// value its spacing is 2^(e−7), and below 2^−126 (subnormal) it is 2^−133. Rounding to nearest, ties to even:
// of the two multiples of the spacing that bracket |x|, the nearer; on a tie, the one that is an even multiple.
// Overflow (IEEE 754 4.3.1): a result of magnitude at least 2^128 (the first multiple past the largest finite,
// (2 − 2^−7)·2^127) is infinity. The sign is kept (−0 stays −0), ±∞ stays itself, a NaN stays a NaN.
namespace FastMlp.Reference;

/// <summary>Rounding floats to bfloat16, straight from the definition.</summary>
public static class NaiveBFloat16
{
    /// <summary>The bfloat16 value nearest to <paramref name="value"/>, as the float that holds it.</summary>
    public static float Round(float value)
    {
        if (float.IsNaN(value) || float.IsInfinity(value))
        {
            return value;
        }

        double magnitude = Math.Abs((double)value);
        double spacing = magnitude < Math.Pow(2, -126) ? Math.Pow(2, -133) : Math.Pow(2, Math.ILogB(magnitude) - 7);
        double multiples = Math.Floor(magnitude / spacing);   // exact: both are powers of two times small integers
        double below = multiples * spacing, above = below + spacing;
        double fromBelow = magnitude - below, toAbove = above - magnitude;
        double rounded = fromBelow < toAbove ? below
            : fromBelow > toAbove ? above
            : multiples % 2 == 0 ? below : above;
        double result = rounded >= Math.Pow(2, 128) ? double.PositiveInfinity : rounded;
        return (float)Math.CopySign(result, value);
    }

    /// <summary>θ with every weight W_l[i, j] of <paramref name="mlp"/> rounded to bfloat16 (the float values it holds), the biases as they are.</summary>
    public static double[] RoundWeights(NaiveMlp mlp, double[] theta)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        ArgumentNullException.ThrowIfNull(theta);
        double[] rounded = (double[])theta.Clone();
        for (int l = 1; l <= mlp.Layers; l++)
        {
            for (int i = 0; i < mlp.Size(l - 1); i++)
            {
                for (int j = 0; j < mlp.Size(l); j++)
                {
                    int p = mlp.WeightIndex(l, i, j);
                    rounded[p] = Round((float)theta[p]);
                }
            }
        }

        return rounded;
    }
}
