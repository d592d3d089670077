// Each loss of the Loss enum: its value over a batch and the gradient it feeds backward, dZ of the
// output layer (with respect to the output layer's pre-activation Z), written in one pass.
//   CrossEntropy + Softmax:  dZ = (P − T) / B                                  (the fused form)
//   squared errors:          dY = 2 (Y − T) / s,  s = B · n (mean) or B (sum)
//                            dZ = dY ⊙ f'(Y), or through the softmax Jacobian for a Softmax output
// One scalar pass per row: outputs are few (10 classes, 1 regression target), so a vectorized call per
// row would cost more than it saves. Sums are accumulated in double.
namespace FastMlp;

internal static unsafe class LossFunctions
{
    /// <summary>ln of the smallest normal float: the floor of a log-probability in the cross-entropy.</summary>
    private static readonly float MinLogProbability = MathF.Log(BitConverter.Int32BitsToSingle(0x00800000));

    /// <summary>Returns the loss of outputs y against targets t (both [batch, n]) and writes dZ [batch, n].</summary>
    public static float Evaluate(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ)
    {
        if (loss == Loss.CrossEntropy)
        {
            return (float)(CrossEntropy(y, t, batch * n, dZ, 1f / batch) / batch);
        }

        long count = loss == Loss.MeanSquaredError ? (long)batch * n : batch;
        float scale = (float)(2.0 / count);
        double total = output switch
        {
            Activation.Sigmoid => SquaredError<SigmoidOperator>(y, t, batch * n, dZ, scale),
            Activation.Tanh => SquaredError<TanhOperator>(y, t, batch * n, dZ, scale),
            Activation.Relu => SquaredError<ReluOperator>(y, t, batch * n, dZ, scale),
            _ => SquaredError<IdentityOperator>(y, t, batch * n, dZ, scale),
        };

        if (output == Activation.Softmax)
        {
            // SquaredError<Identity> left dY; the softmax Jacobian turns it into dZ row by row.
            Elementwise.MultiplyDerivative(output, new ReadOnlySpan<float>(y, batch * n), new Span<float>(dZ, batch * n), n);
        }

        return (float)(total / count);
    }

    /// <summary>Σ −t · ln max(p, FLT_MIN) over all elements; dZ = (p − t) · scale.</summary>
    private static double CrossEntropy(float* p, float* t, int length, float* dZ, float scale)
    {
        double total = 0;
        for (int i = 0; i < length; i++)
        {
            if (t[i] != 0)
            {
                total -= t[i] * Math.Max(MathF.Log(p[i]), MinLogProbability);
            }

            dZ[i] = (p[i] - t[i]) * scale;
        }

        return total;
    }

    /// <summary>Σ (y − t)² over all elements; dZ = f'(y) · (y − t) · scale through the output activation.</summary>
    private static double SquaredError<TOp>(float* y, float* t, int length, float* dZ, float scale)
        where TOp : struct, IActivationOperator
    {
        double total = 0;
        for (int i = 0; i < length; i++)
        {
            float e = y[i] - t[i];
            total += (double)e * e;
            dZ[i] = TOp.Derivative(y[i], e * scale);
        }

        return total;
    }
}
