// Each loss of the Loss enum: its value over a batch and the gradient it feeds backward, dZ of the
// output layer (with respect to the output layer's pre-activation Z).
//   CrossEntropy + Softmax:  dZ = (P · Σt − T) / B per row, any non-negative targets (the fused form;
//                            (P − T) / B, bit for bit, for rows that sum to exactly 1, such as one-hot rows)
//   BinaryCrossEntropy + Sigmoid:  dZ = (Y − T) / (B · n), targets in [0, 1] (the fused form: σ' cancels)
//   squared errors:          dY = 2 (Y − T) / s,  s = B · n (mean) or B (sum)
//                            dZ = dY ⊙ f'(Y), f'(Z) for GELU and SiLU, or through the softmax Jacobian for a Softmax output
// Sample weights (SampleWeights.cs): every B above becomes Σw and row r's gradient is scaled by w_r (the scale
// w_r · k / (Σw · m) rounded once to float, as the plain mean's k / (B · m) is), the loss is Σ_r w_r · ℓ_r / Σw;
// the kernels are generic over IRowWeights, and EqualRows (w_r = 1, Σw = B) is the plain mean, bit for bit.
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

    /// <summary>Returns the loss (the plain batch mean) of outputs y against targets t (both [batch, n]) and writes dZ [batch, n].</summary>
    public static float Evaluate(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ) =>
        Evaluate(loss, output, y, t, batch, n, dZ, BatchWeights.Equal(batch));

    /// <summary>
    /// Returns the loss of outputs y against targets t (both [batch, n]), weighted by <paramref name="weights"/> (Σw &gt; 0),
    /// and writes dZ [batch, n]. An output activation whose derivative needs its input (GELU, SiLU) reads it from
    /// <paramref name="input"/>; without one (an evaluation, which only wants the loss) dZ is left as dY.
    /// </summary>
    public static float Evaluate(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ, BatchWeights weights, float* input = null) =>
        weights.AreEqual
            ? Evaluate(loss, output, y, t, batch, n, dZ, default(EqualRows), batch, input)
            : Evaluate(loss, output, y, t, batch, n, dZ, new WeightedRows(weights.Pointer), weights.Sum, input);

    /// <summary>
    /// MeanSquaredError or SumSquaredError of outputs y against targets t (both [batch, n]) through the output
    /// activation TOp, weighted by <paramref name="weights"/>, writing dZ (Softmax: dY, which Evaluate turns into dZ);
    /// the tiny-network step calls it directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SquaredError<TOp>(Loss loss, float* y, float* t, int batch, int n, float* dZ, BatchWeights weights)
        where TOp : struct, IActivationOperator =>
        weights.AreEqual
            ? SquaredError<TOp, EqualRows>(loss, y, t, batch, n, dZ, default, batch)
            : SquaredError<TOp, WeightedRows>(loss, y, t, batch, n, dZ, new WeightedRows(weights.Pointer), weights.Sum);

    private static float Evaluate<TRows>(Loss loss, Activation output, float* y, float* t, int batch, int n, float* dZ, TRows rows, double weightSum, float* input)
        where TRows : struct, IRowWeights
    {
        if (loss == Loss.CrossEntropy)
        {
            // (float)(1.0 / B) is 1f / B, the scale before weights, for every B up to 2²⁴ (checked exhaustively).
            return (float)(CrossEntropy(y, t, batch, n, dZ, rows, 1.0 / weightSum) / weightSum);
        }

        if (loss == Loss.BinaryCrossEntropy)
        {
            double count = weightSum * n;
            return (float)(BinaryCrossEntropy(y, t, batch, n, dZ, rows, 1.0 / count) / count);
        }

        float result = output switch
        {
            Activation.Sigmoid => SquaredError<SigmoidOperator, TRows>(loss, y, t, batch, n, dZ, rows, weightSum),
            Activation.Tanh => SquaredError<TanhOperator, TRows>(loss, y, t, batch, n, dZ, rows, weightSum),
            Activation.Relu => SquaredError<ReluOperator, TRows>(loss, y, t, batch, n, dZ, rows, weightSum),
            Activation.LeakyRelu => SquaredError<LeakyReluOperator, TRows>(loss, y, t, batch, n, dZ, rows, weightSum),
            _ => SquaredError<IdentityOperator, TRows>(loss, y, t, batch, n, dZ, rows, weightSum),
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

    /// <summary>The squared error's value over count = Σw · n (mean) or Σw (sum), and dZ with the scale 2 · w_r / count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SquaredError<TOp, TRows>(Loss loss, float* y, float* t, int batch, int n, float* dZ, TRows rows, double weightSum)
        where TOp : struct, IActivationOperator
        where TRows : struct, IRowWeights
    {
        double count = loss == Loss.MeanSquaredError ? weightSum * n : weightSum;
        return (float)(SquaredError<TOp, TRows>(y, t, batch, n, dZ, rows, 2.0 / count) / count);
    }

    /// <summary>Σ_r w_r · Σ −t · ln max(p, FLT_MIN) over the rows of p, t [rows, n]; dZ = (p · s − t) · scale_r, s = Σ t of the row, scale_r = w_r · factor.</summary>
    /// <remarks>
    /// The gradient, for one row with p = softmax(z) and s = Σ_k t_k:
    ///   ln p_k = z_k − ln Σ_m e^{z_m}, so ℓ = −Σ_k t_k ln p_k = −Σ_k t_k z_k + s · ln Σ_m e^{z_m}, and
    ///   ∂ℓ/∂z_j = −t_j + s · e^{z_j} / Σ_m e^{z_m} = p_j · s − t_j.
    /// This holds for any targets; it is p − t only when s = 1 (one-hot rows, distributions that sum to 1
    /// exactly): with [0, 2, 0] or [1, 1, 0] (s = 2) p − t misses p, and an all-zero row (s = 0) has no loss and
    /// no gradient. The batch mean divides by B (factor = 1 / B), the weighted one by Σw (factor = 1 / Σw). The floor on ln p only bounds the reported loss: the
    /// gradient is that of the unfloored loss, so a saturated wrong prediction is still pushed back (the floored
    /// term's own derivative would be 0).
    /// One pass per row writes (p − t) · scale and sums s in double (one-hot: exactly 1);
    /// only a row with s ≠ 1 takes a second pass adding p · (s − 1) · scale. One-hot rows therefore cost one
    /// pass and get (p − t) · scale bit for bit, as before soft targets were handled.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropy<TRows>(float* p, float* t, int rows, int n, float* dZ, TRows weights, double factor)
        where TRows : struct, IRowWeights
    {
        double total = 0;
        for (int r = 0; r < rows; r++, p += n, t += n, dZ += n)
        {
            double w = weights.Of(r);
            float scale = (float)(w * factor);
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

                    total -= w * (tj * Math.Max(MathF.Log(p[j]), MinLogProbability));
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
    /// Σ_r w_r · Σ −[t · max(ln y, −100) + (1 − t) · max(ln(1 − y), −100)] over the rows of y, t [rows, n];
    /// dZ = (y − t) · w_r · factor. With y = σ(z), ∂/∂z of −[t ln y + (1 − t) ln(1 − y)] is y − t: the sigmoid's derivative
    /// cancels, so no y(1 − y) is divided by. As in CrossEntropy, the floor only bounds the reported loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double BinaryCrossEntropy<TRows>(float* y, float* t, int rows, int n, float* dZ, TRows weights, double factor)
        where TRows : struct, IRowWeights
    {
        double total = 0;
        for (int r = 0; r < rows; r++, y += n, t += n, dZ += n)
        {
            double w = weights.Of(r);
            float scale = (float)(w * factor);
            for (int j = 0; j < n; j++)
            {
                float tj = t[j], yj = y[j];
                if (!(tj >= 0 && tj <= 1))
                {
                    ThrowTargetOutsideUnit(r, j, tj);
                }

                total -= w * ((tj * Math.Max(MathF.Log(yj), -100f)) + ((1 - tj) * Math.Max(MathF.Log(1 - yj), -100f)));
                dZ[j] = (yj - tj) * scale;
            }
        }

        return total;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTargetOutsideUnit(int sample, int index, float value) =>
        ThrowHelper.ThrowArgument("targets", string.Create(CultureInfo.InvariantCulture, $"Sample {sample} has a target that is {value} (value {index}); BinaryCrossEntropy needs targets in [0, 1]."));

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegativeTarget(int sample, int index, float value) =>
        ThrowHelper.ThrowArgument("targets", string.Create(CultureInfo.InvariantCulture, $"Sample {sample} has a target that is {value} (value {index}); CrossEntropy needs non-negative targets."));

    /// <summary>Σ_r w_r · Σ (y − t)² over the rows of y, t [rows, n]; dZ = f'(y) · (y − t) · w_r · factor through the output activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SquaredError<TOp, TRows>(float* y, float* t, int rows, int n, float* dZ, TRows weights, double factor)
        where TOp : struct, IActivationOperator
        where TRows : struct, IRowWeights
    {
        double total = 0;
        for (int r = 0; r < rows; r++, y += n, t += n, dZ += n)
        {
            double w = weights.Of(r);
            float scale = (float)(w * factor);
            for (int j = 0; j < n; j++)
            {
                float e = y[j] - t[j];
                total += w * ((double)e * e);
                dZ[j] = TOp.Derivative(y[j], e * scale);
            }
        }

        return total;
    }
}
