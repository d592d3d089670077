// Sample weights (issue 14): the loss of a batch of B samples with weights w_r is the weighted batch mean
//   L = Σ_r w_r·ℓ_r / Σ_r w_r,   ℓ_r the row's loss as Loss defines it per sample,
// so row r of dZ carries w_r / Σw where the plain mean's carries 1 / B. Weights are finite, ≥ 0 and not all 0.
// A batch whose weights are all equal is the plain mean exactly (Σ w·ℓ / Σ w = Σ ℓ / B): it takes the unweighted
// path (BatchWeights.Equal), so its step is the unweighted Step's, bit for bit; arranging the weighted arithmetic
// to be exact for equal weights is not possible (w · (1 / (B·w)) need not round to 1 / B).
// The loss kernels (LossFunctions) are generic over IRowWeights: EqualRows weighs every row 1 (and compiles to the
// unweighted loops), WeightedRows reads w_r.
using System.Globalization;
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <summary>The weights of one batch's rows: equal (the plain batch mean), or a pointer to B weights; and their sum.</summary>
internal readonly unsafe struct BatchWeights
{
    private BatchWeights(float* weights, double sum)
    {
        Pointer = weights;
        Sum = sum;
    }

    /// <summary>[batch] weights, or null when every row weighs the same (the plain mean).</summary>
    public float* Pointer { get; }

    /// <summary>Σ w, summed in double (the batch size for an unweighted step): how much the batch counts in an epoch's loss.</summary>
    public double Sum { get; }

    /// <summary>Whether every row weighs the same (the loss is then the plain mean).</summary>
    public bool AreEqual => Pointer == null;

    /// <summary>The plain batch mean of <paramref name="batch"/> rows, each weighing 1.</summary>
    public static BatchWeights Equal(int batch) => new(null, batch);

    /// <summary>
    /// The weights of a batch, already known finite and non-negative: equal when they all are (and not 0), else the
    /// pointer; with their sum (0 when every weight is 0: the caller decides what such a batch does).
    /// </summary>
    public static BatchWeights Of(float* weights, int batch)
    {
        double sum = 0;
        bool equal = true;
        for (int r = 0; r < batch; r++)
        {
            sum += weights[r];
            equal &= weights[r] == weights[0];
        }

        return new BatchWeights(equal && sum > 0 ? null : weights, sum);
    }
}

/// <summary>How much each row of a batch counts in its loss (the loss kernels' type argument).</summary>
internal interface IRowWeights
{
    /// <summary>w_r.</summary>
    double Of(int row);
}

/// <summary>Every row weighs 1: the plain batch mean.</summary>
internal readonly struct EqualRows : IRowWeights
{
    public double Of(int row) => 1;
}

/// <summary>Row r weighs weights[r].</summary>
internal readonly unsafe struct WeightedRows(float* weights) : IRowWeights
{
    public double Of(int row) => weights[row];
}

internal static class SampleWeights
{
    /// <summary>
    /// Throws (ArgumentException naming <paramref name="name"/>) unless every weight is finite and non-negative; when
    /// <paramref name="needsPositive"/>, also when all are 0. Returns Σ w.
    /// </summary>
    public static double Validate(ReadOnlySpan<float> weights, string name, bool needsPositive)
    {
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (!(w >= 0 && w <= float.MaxValue))
            {
                ThrowBadWeight(name, i, w);
            }

            sum += w;
        }

        if (needsPositive && sum == 0)
        {
            ThrowHelper.ThrowArgument(name, $"Every one of the {weights.Length} weights is 0; at least one sample needs a positive weight.");
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadWeight(string name, int sample, float value) =>
        ThrowHelper.ThrowArgument(name, string.Create(CultureInfo.InvariantCulture, $"Sample {sample} has the weight {value}; weights must be finite and non-negative."));
}
