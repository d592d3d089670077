// Row softmax, stable for any finite logits (the max is subtracted first: TensorPrimitives.SoftMax
// does not, and returns NaN near 89), and its Jacobian-vector product for losses other than
// cross-entropy. The cross-entropy case never needs the Jacobian: its gradient is (P · Σt − T) / B per row
// (LossFunctions.CrossEntropy derives it).
using System.Numerics.Tensors;

namespace FastMlp;

internal static class Softmax
{
    /// <summary>z ← exp(z + b − max) / Σ exp(z + b − max), each row of bias.Length values.</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z, int rows)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = z.Slice(r * n, n);
            TensorPrimitives.Add(row, bias, row);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    /// <summary>dy ← y ⊙ (dy − (dy · y)) on one row: the gradient through softmax for an upstream gradient dy.</summary>
    public static void Backward(ReadOnlySpan<float> y, Span<float> dy)
    {
        float dot = TensorPrimitives.Dot(dy, y);
        TensorPrimitives.Subtract(dy, dot, dy);
        TensorPrimitives.Multiply(dy, y, dy);
    }
}
