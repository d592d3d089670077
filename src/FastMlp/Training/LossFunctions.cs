// Each loss of the Loss enum: its value over a batch and the gradient it feeds backward, dZ of the
// output layer (with respect to the output layer's pre-activation Z), written in one pass.
//   CrossEntropy + Softmax:  dZ = (P − T) / B                                  (the fused form)
//   squared errors:          dY = 2 (Y − T) / s,  s = B · n (mean) or B (sum)
//                            dZ = dY ⊙ f'(Y), or through the softmax Jacobian for a Softmax output
// Sums are accumulated in double per row, so the loss does not depend on the batch's vector split.
using System.Numerics.Tensors;

namespace FastMlp;

internal static unsafe class LossFunctions
{
    /// <summary>ln of the smallest normal float: the floor of a log-probability in the cross-entropy.</summary>
    private static readonly float MinLogProbability = MathF.Log(BitConverter.Int32BitsToSingle(0x00800000));

    /// <summary>Returns the loss of outputs y against targets t (both [batch, n]) and writes dZ [batch, n].</summary>
    public static float Evaluate(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ)
    {
        double total = 0;
        if (loss == Loss.CrossEntropy)
        {
            float scale = 1f / batch;
            for (int r = 0; r < batch; r++)
            {
                var p = new ReadOnlySpan<float>(y + (r * n), n);
                var target = new ReadOnlySpan<float>(t + (r * n), n);
                double rowSum = 0;
                for (int j = 0; j < n; j++)
                {
                    if (target[j] != 0)
                    {
                        rowSum -= target[j] * Math.Max(MathF.Log(p[j]), MinLogProbability);
                    }
                }

                total += rowSum;
                var d = new Span<float>(dZ + (r * n), n);
                TensorPrimitives.Subtract(p, target, d);
                TensorPrimitives.Multiply(d, scale, d);
            }

            return (float)(total / batch);
        }

        long count = loss == Loss.MeanSquaredError ? (long)batch * n : batch;
        float gradientScale = (float)(2.0 / count);
        for (int r = 0; r < batch; r++)
        {
            var prediction = new ReadOnlySpan<float>(y + (r * n), n);
            var d = new Span<float>(dZ + (r * n), n);
            TensorPrimitives.Subtract(prediction, new ReadOnlySpan<float>(t + (r * n), n), d);
            double rowSum = 0;
            foreach (float e in d)
            {
                rowSum += (double)e * e;
            }

            total += rowSum;
            TensorPrimitives.Multiply(d, gradientScale, d);
            Elementwise.MultiplyDerivative(output, prediction, d, n);
        }

        return (float)(total / count);
    }
}
