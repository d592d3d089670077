// Running sums behind EpochMetrics, fed one batch at a time from outputs the forward pass already left in
// the workspace, so training metrics cost no extra forward pass and no allocation. Multi-label counting
// (BinaryCrossEntropy) goes into per-label counters the caller owns and hands in (the trainer keeps one
// array for all its passes), so a pass allocates nothing until Result builds the per-label list.
using System.Numerics.Tensors;

namespace FastMlp;

internal unsafe struct Metrics
{
    // [n]: samples whose label j was right so far; null for a fit that is not multi-label.
    private readonly long[]? _labelsRight;
    private double _lossSum;
    private double _lossWeight;
    private double _absoluteErrorSum;
    private long _correct;
    private long _exactMatches;
    private long _samples;

    /// <summary>Empty sums; <paramref name="labelsRight"/> (one per output, cleared here) counts the labels of a multi-label pass, null for any other.</summary>
    public Metrics(long[]? labelsRight)
    {
        labelsRight?.AsSpan().Clear();
        _labelsRight = labelsRight;
    }

    /// <summary>
    /// Adds a batch: its mean loss, which counts with <paramref name="lossWeight"/> (rows, or Σw of a weighted batch), and
    /// its outputs and targets [rows, n]. Row r's label is labels[indices[r]] (a gathered batch) or labels[r] when indices
    /// is empty; labels is empty for regression. Accuracy and the absolute error count every row once.
    /// </summary>
    public void Add(float batchLoss, float* outputs, float* targets, int rows, int n, ReadOnlySpan<int> labels, ReadOnlySpan<int> indices, double lossWeight)
    {
        _lossSum += (double)batchLoss * lossWeight;
        _lossWeight += lossWeight;
        _samples += rows;
        for (int r = 0; r < rows; r++)
        {
            var y = new ReadOnlySpan<float>(outputs + (r * n), n);
            if (labels.IsEmpty)
            {
                _absoluteErrorSum += AbsoluteErrorSum(y, targets + (r * n));
            }
            else if (TensorPrimitives.IndexOfMax(y) == labels[indices.IsEmpty ? r : indices[r]])
            {
                _correct++;
            }

            if (_labelsRight is not null)
            {
                CountLabels(y, targets + (r * n));
            }
        }
    }

    public readonly EpochMetrics Result(bool classification, int outputs)
    {
        var result = new EpochMetrics(
            (float)(_lossSum / _lossWeight),
            classification ? (float)((double)_correct / _samples) : float.NaN,
            classification ? float.NaN : (float)(_absoluteErrorSum / ((double)_samples * outputs)));
        if (_labelsRight is null)
        {
            return result;
        }

        long right = 0;
        float[] perLabel = new float[outputs];
        for (int j = 0; j < outputs; j++)
        {
            right += _labelsRight[j];
            perLabel[j] = (float)((double)_labelsRight[j] / _samples);
        }

        return result with
        {
            LabelAccuracy = (float)((double)right / ((double)_samples * outputs)),
            ExactMatchAccuracy = (float)((double)_exactMatches / _samples),
            LabelAccuracies = Array.AsReadOnly(perLabel),
        };
    }

    /// <summary>
    /// One sample's labels at threshold 0.5: a positive target (t ≥ 0.5) is right when y &gt; 0.5 (Keras binary_accuracy),
    /// a negative one when y ≤ 0.5; both comparisons are false for a NaN output, so it is wrong either way.
    /// </summary>
    private void CountLabels(ReadOnlySpan<float> y, float* t)
    {
        long[] labelsRight = _labelsRight!;
        int right = 0;
        for (int j = 0; j < y.Length; j++)
        {
            int ok = (t[j] >= 0.5f ? y[j] > 0.5f : y[j] <= 0.5f) ? 1 : 0;
            labelsRight[j] += ok;
            right += ok;
        }

        _exactMatches += right == y.Length ? 1 : 0;
    }

    private static double AbsoluteErrorSum(ReadOnlySpan<float> y, float* t)
    {
        double sum = 0;
        for (int j = 0; j < y.Length; j++)
        {
            sum += Math.Abs(y[j] - t[j]);
        }

        return sum;
    }
}
