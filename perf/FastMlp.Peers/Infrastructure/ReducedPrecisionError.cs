namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// How far a reduced-precision forward pass of a ReLU/Identity/Softmax network is expected to lie from the float one:
/// the tolerance a peer's int8 graph and FastMlp's int8 and bfloat16 Predictors are checked with against FastMlp's
/// Float32 outputs. A worst-case bound (every rounding error at its extreme and of one sign) is useless here: summed
/// over 784 inputs it puts the int8 logits ±80 apart, so every probability would pass. Rounding errors are instead
/// modelled as independent and uniform within half a step (variance step² / 12), and their standard deviation σ is
/// carried through a double forward pass over the float parameters. Per layer, with the input's σ_e, the variance
/// of quantizing the input (ρ²) and of each weight (δ_ij²):
/// <code>
///   σ_zj² = Σ_i (σ_ei² + ρ²)·W_ij² + (a_i² + σ_ei² + ρ²)·δ_ij²
/// </code>
/// ReLU and Identity pass σ on (Lipschitz 1); Softmax's Δy_j = y_j·((1 − y_j)·Δz_j − Σ_k≠j y_k·Δz_k) gives
/// σ_yj = y_j·√((1 − y_j)²·σ_zj² + Σ_k≠j y_k²·σ_zk²). The steps:
/// <list type="bullet">
/// <item><see cref="PredictorPrecision.BFloat16"/>: ρ = 0 (activations stay float); a weight's step is 2^-7·|W_ij|
/// at most (8 significant bits).</item>
/// <item><see cref="PredictorPrecision.Int8"/>: a weight's step is max_i |W_ij| / 127 (per-column symmetric int8);
/// the input's step is at most (max |a| + <see cref="Sigmas"/>·max σ_e) / 127 over the layer's whole [batch, features]
/// input: symmetric int8 over the largest |ã| has that step, asymmetric uint8 over ã's range widened to 0 (ONNX
/// Runtime's DynamicQuantizeLinear) at most 2·max |ã| / 255, and one scale per row has a smaller one.</item>
/// </list>
/// The float passes' own rounding (of order 1e-7 on these probabilities) is covered by <see cref="Floor"/>.
/// </summary>
internal static class ReducedPrecisionError
{
    /// <summary>How many standard deviations of the worst output a pass may lie from Float32's.</summary>
    public const double Sigmas = 6;

    /// <summary>An absolute floor under the tolerance: the float kernels' own rounding, far below it at any precision.</summary>
    public const double Floor = 1e-5;

    /// <summary>σ of each output [batch, outputs] of <paramref name="network"/> for <paramref name="inputs"/> at <paramref name="precision"/>.</summary>
    public static double[] Sigma(Network network, ReadOnlySpan<float> inputs, int batch, PredictorPrecision precision)
    {
        ReadOnlySpan<float> theta = network.Parameters;
        IReadOnlyList<int> sizes = network.LayerSizes;
        double[] a = new double[inputs.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = inputs[i];
        }

        var e = new double[a.Length];
        int offset = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            int k = sizes[l - 1], n = sizes[l];
            ReadOnlySpan<float> w = theta.Slice(offset, k * n), bias = theta.Slice(offset + (k * n), n);
            double inputStep = precision == PredictorPrecision.Int8 ? (MaxAbs(a) + (Sigmas * MaxAbs(e))) / 127 : 0;
            double rho2 = inputStep * inputStep / 12;
            double[] delta2 = WeightVariance(w, k, n, precision);
            var z = new double[batch * n];
            var ez = new double[batch * n];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = bias[j], variance = 0;
                    for (int i = 0; i < k; i++)
                    {
                        double x = a[(b * k) + i], ex2 = e[(b * k) + i] * e[(b * k) + i], wij = w[(i * n) + j];
                        sum += x * wij;
                        variance += ((ex2 + rho2) * wij * wij) + (((x * x) + ex2 + rho2) * delta2[(i * n) + j]);
                    }

                    z[(b * n) + j] = sum;
                    ez[(b * n) + j] = Math.Sqrt(variance);
                }
            }

            (a, e) = Activate(network.Activations[l - 1], z, ez, batch, n);
            offset += (k * n) + n;
        }

        return e;
    }

    /// <summary>
    /// <see cref="Sigmas"/> × the largest output σ, plus <see cref="Floor"/>: an absolute tolerance for probabilities,
    /// as <see cref="Agreement.Require"/> takes it.
    /// </summary>
    public static double Tolerance(Network network, ReadOnlySpan<float> inputs, int batch, PredictorPrecision precision) =>
        (Sigmas * MaxAbs(Sigma(network, inputs, batch, precision))) + Floor;

    /// <summary>δ_ij²: step² / 12 for each weight's step at the precision.</summary>
    private static double[] WeightVariance(ReadOnlySpan<float> w, int k, int n, PredictorPrecision precision)
    {
        var variance = new double[k * n];
        if (precision == PredictorPrecision.BFloat16)
        {
            for (int i = 0; i < variance.Length; i++)
            {
                double step = Math.Abs(w[i]) / 128;
                variance[i] = step * step / 12;
            }

            return variance;
        }

        var column = new double[n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                column[j] = Math.Max(column[j], Math.Abs(w[(i * n) + j]) / 127);
            }
        }

        for (int j = 0; j < n; j++)
        {
            column[j] = column[j] * column[j] / 12;
        }

        for (int i = 0; i < k; i++)
        {
            column.CopyTo(variance, i * n);
        }

        return variance;
    }

    private static (double[] Y, double[] Ey) Activate(Activation f, double[] z, double[] ez, int batch, int n)
    {
        var y = new double[z.Length];
        var ey = new double[z.Length];
        switch (f)
        {
            case Activation.Identity or Activation.Relu:
                for (int i = 0; i < z.Length; i++)
                {
                    y[i] = f == Activation.Relu ? Math.Max(z[i], 0) : z[i];
                    ey[i] = ez[i];
                }

                return (y, ey);
            case Activation.Softmax:
                for (int b = 0; b < batch; b++)
                {
                    double max = double.NegativeInfinity, total = 0, spread = 0;
                    for (int j = 0; j < n; j++)
                    {
                        max = Math.Max(max, z[(b * n) + j]);
                    }

                    for (int j = 0; j < n; j++)
                    {
                        total += Math.Exp(z[(b * n) + j] - max);
                    }

                    for (int j = 0; j < n; j++)
                    {
                        y[(b * n) + j] = Math.Exp(z[(b * n) + j] - max) / total;
                        spread += Square(y[(b * n) + j] * ez[(b * n) + j]);
                    }

                    for (int j = 0; j < n; j++)
                    {
                        // Σ_k≠j y_k²·σ_k² + (1 − y_j)²·σ_j², from the spread over all k.
                        double yj = y[(b * n) + j], sj = ez[(b * n) + j];
                        ey[(b * n) + j] = yj * Math.Sqrt(Math.Max(0, spread - Square(yj * sj)) + Square((1 - yj) * sj));
                    }
                }

                return (y, ey);
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f, "The error model covers Identity, Relu and Softmax layers.");
        }
    }

    private static double Square(double x) => x * x;

    private static double MaxAbs(double[] values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }
}
