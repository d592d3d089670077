// Each loss of the Loss enum: its value over a batch and the gradient it feeds backward, dZ of the
// output layer (with respect to the output layer's pre-activation Z).
//   CrossEntropy + Softmax:  dZ = (P · Σt − T) / B per row, any non-negative targets (the fused form;
//                            (P − T) / B, bit for bit, for rows that sum to exactly 1, such as one-hot rows)
//   BinaryCrossEntropy + Sigmoid:  dZ = (Y − T) / (B · n), targets in [0, 1] (the fused form: σ' cancels)
//   squared errors:          dY = 2 (Y − T) / s,  s = B · n (mean) or B (sum)
//                            dZ = dY ⊙ f'(Y), f'(Z) for GELU and SiLU, or through the softmax Jacobian for a Softmax output
// Scalar loops over each row: outputs are few (10 classes, 1 regression target), so a vectorized call per
// row would cost more than it saves. Sums are accumulated in double.
// CrossEntropy refuses a negative target, BinaryCrossEntropy one outside [0, 1], (ArgumentException naming "targets", the sample and the value): the
// check rides on the pass that sums the row (a compare per non-zero target); dZ is scratch, and Trainer.Step
// evaluates the loss before its backward pass and update, so a refused step leaves the parameters and
// Gradients as they were.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace FastMlp;

internal static unsafe class LossFunctions
{
    /// <summary>ln of the smallest normal float: the floor of a log-probability in the cross-entropy.</summary>
    private static readonly float MinLogProbability = MathF.Log(BitConverter.Int32BitsToSingle(0x00800000));

    /// <summary>
    /// Returns the loss of outputs y against targets t (both [batch, n]) and writes dZ [batch, n]. An output activation
    /// whose derivative needs its input (GELU, SiLU) reads it from <paramref name="input"/>; without one (an evaluation,
    /// which only wants the loss) dZ is left as dY.
    /// </summary>
    public static float Evaluate(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ, float* input = null)
    {
        if (loss == Loss.CrossEntropy)
        {
            return (float)(CrossEntropy(y, t, batch, n, dZ, 1f / batch) / batch);
        }

        if (loss == Loss.BinaryCrossEntropy)
        {
            long count = (long)batch * n;
            return (float)(BinaryCrossEntropy(y, t, n, count, dZ, (float)(1.0 / count)) / count);
        }

        float result = output switch
        {
            Activation.Sigmoid => SquaredError<SigmoidOperator>(loss, y, t, batch, n, dZ),
            Activation.Tanh => SquaredError<TanhOperator>(loss, y, t, batch, n, dZ),
            Activation.Relu => SquaredError<ReluOperator>(loss, y, t, batch, n, dZ),
            Activation.LeakyRelu => SquaredError<LeakyReluOperator>(loss, y, t, batch, n, dZ),
            _ => SquaredError<IdentityOperator>(loss, y, t, batch, n, dZ),
        };

        if (output == Activation.Softmax)
        {
            // SquaredError<Identity> left dY; the softmax Jacobian turns it into dZ row by row.
            Elementwise.MultiplyDerivative(output, new ReadOnlySpan<float>(y, batch * n), new Span<float>(dZ, batch * n), n);
        }
        else if (input != null && Elementwise.DerivesFromInput(output))
        {
            // Likewise dY, and f' from the layer's input.
            Elementwise.MultiplyDerivative(output, new ReadOnlySpan<float>(input, batch * n), new Span<float>(dZ, batch * n), n);
        }

        return result;
    }

    /// <summary>
    /// MeanSquaredError or SumSquaredError of outputs y against targets t (both [batch, n]) through the output
    /// activation TOp, writing dZ (Softmax: dY, which Evaluate turns into dZ); the tiny-network step calls it directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SquaredError<TOp>(Loss loss, float* y, float* t, int batch, int n, float* dZ)
        where TOp : struct, IActivationOperator
    {
        long count = loss == Loss.MeanSquaredError ? (long)batch * n : batch;
        float scale = (float)(2.0 / count);
        return (float)(SquaredError<TOp>(y, t, batch * n, dZ, scale) / count);
    }

    /// <summary>Σ −t · ln max(p, FLT_MIN) over all elements of p, t [rows, n]; dZ = (p · s − t) · scale, s = Σ t of the row.</summary>
    /// <remarks>
    /// The gradient, for one row with p = softmax(z) and s = Σ_k t_k:
    ///   ln p_k = z_k − ln Σ_m e^{z_m}, so ℓ = −Σ_k t_k ln p_k = −Σ_k t_k z_k + s · ln Σ_m e^{z_m}, and
    ///   ∂ℓ/∂z_j = −t_j + s · e^{z_j} / Σ_m e^{z_m} = p_j · s − t_j.
    /// This holds for any targets; it is p − t only when s = 1 (one-hot rows, distributions that sum to 1
    /// exactly): with [0, 2, 0] or [1, 1, 0] (s = 2) p − t misses p, and an all-zero row (s = 0) has no loss and
    /// no gradient. The batch mean divides by B (scale). The floor on ln p only bounds the reported loss: the
    /// gradient is that of the unfloored loss, so a saturated wrong prediction is still pushed back (the floored
    /// term's own derivative would be 0).
    /// One pass per row writes (p − t) · scale and sums s in double (one-hot: exactly 1);
    /// only a row with s ≠ 1 takes a second pass adding p · (s − 1) · scale. One-hot rows therefore cost one
    /// pass and get (p − t) · scale bit for bit, as before soft targets were handled.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropy(float* p, float* t, int rows, int n, float* dZ, float scale)
    {
        double total = 0;
        for (int r = 0; r < rows; r++, p += n, t += n, dZ += n)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                float tj = t[j];
                if (tj != 0)
                {
                    if (tj < 0)
                    {
                        ThrowNegativeTarget(r, j, tj);
                    }

                    total -= tj * Math.Max(MathF.Log(p[j]), MinLogProbability);
                    sum += tj;
                }

                dZ[j] = (p[j] - tj) * scale;
            }

            if (sum != 1)
            {
                // (p · s − t) / B = (p − t) / B + p · (s − 1) / B: a row that does not sum to 1 adds the second term.
                float c = (float)(sum - 1) * scale;
                for (int j = 0; j < n; j++)
                {
                    dZ[j] += p[j] * c;
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Σ −[t · max(ln y, −100) + (1 − t) · max(ln(1 − y), −100)] over the length elements of y and t (n per sample);
    /// dZ = (y − t) · scale. With y = σ(z), ∂/∂z of −[t ln y + (1 − t) ln(1 − y)] is y − t: the sigmoid's derivative
    /// cancels, so no y(1 − y) is divided by. As in CrossEntropy, the floor only bounds the reported loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double BinaryCrossEntropy(float* y, float* t, int n, long length, float* dZ, float scale)
    {
        double total = 0;
        for (long i = 0; i < length; i++)
        {
            float ti = t[i], yi = y[i];
            if (!(ti >= 0 && ti <= 1))
            {
                ThrowTargetOutsideUnit(i / n, i % n, ti);
            }

            total -= (ti * Math.Max(MathF.Log(yi), -100f)) + ((1 - ti) * Math.Max(MathF.Log(1 - yi), -100f));
            dZ[i] = (yi - ti) * scale;
        }

        return total;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTargetOutsideUnit(long sample, long index, float value) =>
        ThrowHelper.ThrowArgument("targets", string.Create(CultureInfo.InvariantCulture, $"Sample {sample} has a target that is {value} (value {index}); BinaryCrossEntropy needs targets in [0, 1]."));

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegativeTarget(int sample, int index, float value) =>
        ThrowHelper.ThrowArgument("targets", string.Create(CultureInfo.InvariantCulture, $"Sample {sample} has a target that is {value} (value {index}); CrossEntropy needs non-negative targets."));

    /// <summary>Σ (y − t)² over all elements; dZ = f'(y) · (y − t) · scale through the output activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
