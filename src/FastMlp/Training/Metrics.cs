// Running sums behind EpochMetrics, fed one batch at a time from outputs the forward pass already left in
// the workspace, so training metrics cost no extra forward pass and no allocation.
using System.Numerics.Tensors;

namespace FastMlp;

internal unsafe struct Metrics
{
    private double _lossSum;
    private double _lossWeight;
    private double _absoluteErrorSum;
    private long _correct;
    private long _samples;

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
        }
    }

    public readonly EpochMetrics Result(bool classification, int outputs) => new(
        (float)(_lossSum / _lossWeight),
        classification ? (float)((double)_correct / _samples) : float.NaN,
        classification ? float.NaN : (float)(_absoluteErrorSum / ((double)_samples * outputs)));

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
