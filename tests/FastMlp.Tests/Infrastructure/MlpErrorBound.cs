// MlpErrorBound: how far FastMlp's float results may lie from NaiveMlp's double ones, derived by a
// running (first-order) error analysis of the float computation rather than guessed.
//
// Notation: u = 2^-24, γ(k) = k·u / (1 − k·u). For every quantity q the analysis carries e_q, a bound on
// |q̃ − q| between the float value FastMlp holds and the exact value, which NaiveMlp gives to about 1e-16
// relative (negligible next to u). Parameters, inputs and targets are floats and enter both exactly.
//   Dot products and sums of k terms, in any order, with or without FMA (Higham, Accuracy and Stability
//   of Numerical Algorithms, 3.1 and 4.2): rounding ≤ γ(k)·Σ|terms|; an input off by e moves the result
//   by e·|its coefficient|. Hence, per layer (GEMM with k = n_{l−1}, then the bias add):
//     e_z = γ(n_{l−1} + 1)·(Σ_i |a_i·W_ij| + |b_j|) + Σ_i e_{a_i}·|W_ij|
//   Activations (value moved through f', plus the kernel's own error, measured for System.Numerics.Tensors
//   11 at ≤ 2.5u for exp, ≤ 3.7u relative for sigmoid, ≤ 2.5u absolute for tanh; twice that is assumed):
//     identity, relu: e_a = e_z (relu is 1-Lipschitz; 0 when z < −e_z)
//     sigmoid: y(1 − y)·e_z + 8u·y + 2^-126;   tanh: (1 − y²)·e_z + 4u·(|y| + 1)
//     GELU, SiLU: |f'(z)|·e_z + K(|y|), K the kernel's own error (KernelError); their δ = g·f'(z̃) takes f' from
//       z̃: e_f' = max|f''|·e_z + K(|f'|)
//     softmax, r = z − max z: with ε_k = e_zk + u·|r_k| + 4u (input, shift, exp),
//       e_yj = y_j·(ε_j + Σ_k y_k·ε_k + γ(n) + 2u) + 2^-126 (the sum of exps and the division)
//   Output delta: squared losses g = 2(y − t)/s (s = B·n or B), e_g = 2·e_y/s + 3u·|g|; then
//     elementwise δ = g·f'(y) with f' from the float output (sigmoid y(1 − y), tanh 1 − y²):
//       e_δ = |f'|·e_g + |g|·e_f' + u·|δ|, e_f' = |1 − 2y|·e_y + 2u·f' (sigmoid), 2|y|·e_y + u·(y² + f') (tanh);
//     softmax Jacobian δ_j = y_j·(g_j − g·y): e_dot = Σ_k (y_k·e_gk + |g_k|·e_yk) + γ(n)·Σ|g_k·y_k|,
//       e_h = e_gj + e_dot + u·|g_j − g·y|, e_δj = y_j·e_h + |g_j − g·y|·e_yj + u·|δ_j|;
//     softmax + cross-entropy δ = (p − t)/B + p·(s − 1)/B, s = Σ_k t_k (t ≥ 0, summed in double), the second
//       term only when s ≠ 1: e_δ = (e_p·(1 + |s − 1|) + 3u·|p − t| + 4u·p·|s − 1|)/B + u·|δ| (the first term
//       rounds three times: −t, 1/B, ·(1/B); the second four: s − 1, 1/B, two products; then the sum).
//   Hidden deltas h = δ_{l+1}·W_{l+1}ᵀ (k = n_{l+1}), then δ_l = h·f'(y_l) as above.
//   Dropout (a = f(z)·m, the mask's float values exact in both): e_a = m·e_f + u·|a|; in backward h·m first,
//     e = m·e_h + u·|h·m|; f' is taken at the output before dropout.
//   Gradients: dW = a_{l−1}ᵀ·δ_l and db = Σ_b δ_l (k = B), with the input and delta errors propagated.
//   SGD θ − lr·g (two roundings at most): lr·e_g + γ(2)·(|θ| + lr·|g|).
//   Loss (summed in double, rounded to float once): squared (1/s)·Σ 2|y − t|·(e_y + u·|y − t|) + u·|L|;
//     cross-entropy (1/B)·Σ_{t≠0} t·(e_y/y + 2u·|ln y|) + u·|L|.
// The bounds are first order: products of two error bounds are dropped. They are ≤ 1e-3 relative for
// the test data, so the dropped terms are below 1e-3 of the kept ones; every bound is doubled (Safety)
// to cover them and the reference's own double rounding.
//
// Sample weights w_b (the weighted batch mean): each 1/B and 1/s above becomes ρ_b = w_b / W (W = Σ w) and
// ρ_b / n; the float scale w_b·k / (W·m) is rounded once, as k / (B·m) is, so the rounding counts are unchanged
// (the weighted sums of the loss are in double).
//
// A ReLU unit whose |z| ≤ e_z may sit on either side of its kink in float: its derivative, and every
// gradient downstream, is then legitimately different. Such a case sets NearReluKink and is discarded.
//
// Why a bug cannot hide under this: the bounds are about k·u·Σ|terms| (k ≤ 70: ~1e-5 relative), while a
// dropped, doubled, misplaced or wrongly-signed term, a wrong derivative or a missing 1/B moves a result
// by about Σ|terms|/k or more: over 100 times the bound.
using FastMlp.Reference;

namespace FastMlp.Tests.Infrastructure;

internal sealed class MlpErrorBound
{
    /// <summary>Factor on every first-order bound (see the header).</summary>
    public const double Safety = 2;

    private const double U = 1.0 / (1 << 24);
    private const double Tiny = 1.1754943508222875e-38;   // 2^-126, the smallest normal float

    private MlpErrorBound(double[] output, double loss, double[] gradients, double[] parameters, bool nearReluKink)
    {
        Output = output;
        Loss = loss;
        Gradients = gradients;
        Parameters = parameters;
        NearReluKink = nearReluKink;
    }

    /// <summary>Bound on each element of the outputs [B, n_L] (Predict, and the output layer in training).</summary>
    public double[] Output { get; }

    /// <summary>Bound on the loss Trainer.Step returns.</summary>
    public double Loss { get; }

    /// <summary>Bound on each element of Trainer.Gradients.</summary>
    public double[] Gradients { get; }

    /// <summary>Bound on each parameter after one SGD step.</summary>
    public double[] Parameters { get; }

    /// <summary>Some ReLU pre-activation lies within its error bound of 0 (gradient bounds are then void).</summary>
    public bool NearReluKink { get; }

    public static MlpErrorBound Compute(
        NaiveMlp mlp, double[] theta, NaiveForwardPass forward, NaiveBackwardPass backward, NaiveLoss loss, double[] targets, double learningRate, double[]? weights = null)
    {
        int layers = mlp.Layers, batch = forward.Batch;
        double total = weights?.Sum() ?? batch;
        double[] share = [.. Enumerable.Range(0, batch).Select(b => (weights?[b] ?? 1) / total)];   // ρ_b: 1/B, or w_b / W
        var ea = new double[layers + 1][,];   // e_a per layer (after dropout); inputs are exact
        var ef = new double[layers + 1][,];   // e of f(z) before dropout
        var ez = new double[layers + 1][,];
        ea[0] = new double[batch, mlp.Size(0)];
        bool kink = false;
        for (int l = 1; l <= layers; l++)
        {
            (ez[l], ef[l], bool layerKink) = ForwardLayer(mlp, theta, forward, ea[l - 1], l);
            ea[l] = Dropped(forward, ef[l], l);
            kink |= layerKink;
        }

        var ed = new double[layers + 1][,];
        ed[layers] = OutputDelta(mlp, forward, backward, ez[layers], ea[layers], loss, targets, share);
        for (int l = layers - 1; l >= 1; l--)
        {
            ed[l] = HiddenDelta(mlp, theta, forward, backward, ez[l], ef[l], ed[l + 1], l);
        }

        double[] gradients = GradientBounds(mlp, forward, backward, ea, ed);
        var parameters = new double[theta.Length];
        for (int p = 0; p < theta.Length; p++)
        {
            double g = Math.Abs(backward.Gradients[p]);
            parameters[p] = Safety * ((learningRate * gradients[p]) + (Gamma(2) * (Math.Abs(theta[p]) + (learningRate * g))));
            gradients[p] *= Safety;
        }

        double[] output = MlpReference.Flatten(ea[layers]);
        for (int i = 0; i < output.Length; i++)
        {
            output[i] *= Safety;
        }

        return new MlpErrorBound(output, Safety * LossBound(forward, ea[layers], loss, targets, weights, share), gradients, parameters, kink);
    }

    /// <summary>γ(k) = k·u / (1 − k·u).</summary>
    public static double Gamma(int k) => k * U / (1 - (k * U));

    /// <summary>
    /// e of a = f(z)·m (dropout, the mask's values floats taken exactly by the reference): m·e_f and the product's one
    /// rounding, u·|a|; e_f itself without dropout.
    /// </summary>
    private static double[,] Dropped(NaiveForwardPass forward, double[,] ef, int l)
    {
        if (l > forward.Layers - 1 || forward.Masks?[l - 1] is not { } mask)
        {
            return ef;
        }

        double[,] a = forward.A(l), ea = (double[,])ef.Clone();
        int n = a.GetLength(1);
        for (int i = 0; i < mask.Length; i++)
        {
            ea[i / n, i % n] = (mask[i] * ef[i / n, i % n]) + (U * Math.Abs(a[i / n, i % n]));
        }

        return ea;
    }

    private static (double[,] Ez, double[,] Ea, bool Kink) ForwardLayer(NaiveMlp mlp, double[] theta, NaiveForwardPass forward, double[,] eaIn, int l)
    {
        int batch = forward.Batch, nIn = mlp.Size(l - 1), n = mlp.Size(l);
        double[,] aIn = forward.A(l - 1), z = forward.Z(l), y = forward.Activated(l);
        var ez = new double[batch, n];
        var ea = new double[batch, n];
        NaiveActivation f = mlp.Activation(l);
        bool kink = false;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < n; j++)
            {
                double magnitude = Math.Abs(theta[mlp.BiasIndex(l, j)]), propagated = 0;
                for (int i = 0; i < nIn; i++)
                {
                    double w = Math.Abs(theta[mlp.WeightIndex(l, i, j)]);
                    magnitude += Math.Abs(aIn[b, i]) * w;
                    propagated += eaIn[b, i] * w;
                }

                ez[b, j] = (Gamma(nIn + 1) * magnitude) + propagated;
                double yj = y[b, j];
                switch (f)
                {
                    case NaiveActivation.Relu:
                        kink |= ez[b, j] > 0 && Math.Abs(z[b, j]) <= Safety * ez[b, j];
                        ea[b, j] = z[b, j] < -ez[b, j] ? 0 : ez[b, j];
                        break;
                    case NaiveActivation.LeakyRelu:
                        // Past the kink y = z or the product 0.01·z, rounded once; near it the case is discarded, as for ReLU.
                        kink |= ez[b, j] > 0 && Math.Abs(z[b, j]) <= Safety * ez[b, j];
                        ea[b, j] = z[b, j] > 0 ? ez[b, j] : (0.01 * ez[b, j]) + (U * 0.01 * (Math.Abs(z[b, j]) + ez[b, j])) + Tiny;
                        break;
                    case NaiveActivation.Sigmoid:
                        ea[b, j] = (yj * (1 - yj) * ez[b, j]) + (8 * U * yj) + Tiny;
                        break;
                    case NaiveActivation.Gelu or NaiveActivation.Silu:
                        ea[b, j] = (Math.Abs(NaiveMlp.Derivative(f, z[b, j])) * ez[b, j]) + KernelError(f, Math.Abs(yj));
                        break;
                    case NaiveActivation.Tanh:
                        ea[b, j] = ((1 - (yj * yj)) * ez[b, j]) + (4 * U * (Math.Abs(yj) + 1));
                        break;
                    default:
                        ea[b, j] = ez[b, j];   // identity; softmax is done per row below
                        break;
                }
            }

            if (f == NaiveActivation.Softmax)
            {
                double max = double.NegativeInfinity, mix = 0;
                for (int k = 0; k < n; k++)
                {
                    max = Math.Max(max, z[b, k]);
                }

                var eps = new double[n];
                for (int k = 0; k < n; k++)
                {
                    eps[k] = ez[b, k] + (U * Math.Abs(z[b, k] - max)) + (4 * U);
                    mix += y[b, k] * eps[k];
                }

                for (int j = 0; j < n; j++)
                {
                    ea[b, j] = (y[b, j] * (eps[j] + mix + Gamma(n) + (2 * U))) + Tiny;
                }
            }
        }

        return (ez, ea, kink);
    }

    private static double[,] OutputDelta(NaiveMlp mlp, NaiveForwardPass forward, NaiveBackwardPass backward, double[,] ez, double[,] ey, NaiveLoss loss, double[] targets, double[] share)
    {
        int layers = mlp.Layers, batch = forward.Batch, n = mlp.Size(layers);
        double[,] y = forward.Output, z = forward.Z(layers), delta = backward.Delta(layers);
        NaiveActivation f = mlp.Activation(layers);
        var ed = new double[batch, n];
        var g = new double[n];
        var eg = new double[n];
        for (int b = 0; b < batch; b++)
        {
            double inverse = loss == NaiveLoss.MeanSquaredError ? share[b] / n : share[b];   // 1 / s of the row
            if (loss == NaiveLoss.CrossEntropy)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += targets[(b * n) + k];
                }

                double excess = Math.Abs(sum - 1);
                for (int j = 0; j < n; j++)
                {
                    double pj = y[b, j], difference = Math.Abs(pj - targets[(b * n) + j]);
                    ed[b, j] = (((ey[b, j] * (1 + excess)) + (3 * U * difference) + (4 * U * pj * excess)) * share[b]) + (U * Math.Abs(delta[b, j]));
                }

                continue;
            }

            for (int j = 0; j < n; j++)
            {
                g[j] = 2 * (y[b, j] - targets[(b * n) + j]) * inverse;
                eg[j] = (2 * ey[b, j] * inverse) + (3 * U * Math.Abs(g[j]));
            }

            if (f != NaiveActivation.Softmax)
            {
                for (int j = 0; j < n; j++)
                {
                    ed[b, j] = ElementwiseDelta(f, z[b, j], ez[b, j], y[b, j], ey[b, j], g[j], eg[j]);
                }

                continue;
            }

            double dot = 0, eDot = 0, dotMagnitude = 0;
            for (int k = 0; k < n; k++)
            {
                dot += g[k] * y[b, k];
                dotMagnitude += Math.Abs(g[k] * y[b, k]);
                eDot += (y[b, k] * eg[k]) + (Math.Abs(g[k]) * ey[b, k]);
            }

            eDot += Gamma(n) * dotMagnitude;
            for (int j = 0; j < n; j++)
            {
                double h = Math.Abs(g[j] - dot);
                double eh = eg[j] + eDot + (U * h);
                ed[b, j] = (y[b, j] * eh) + (h * ey[b, j]) + (U * Math.Abs(delta[b, j]));
            }
        }

        return ed;
    }

    private static double[,] HiddenDelta(NaiveMlp mlp, double[] theta, NaiveForwardPass forward, NaiveBackwardPass backward, double[,] ez, double[,] ey, double[,] edNext, int l)
    {
        int batch = forward.Batch, n = mlp.Size(l), nNext = mlp.Size(l + 1);
        double[,] deltaNext = backward.Delta(l + 1), z = forward.Z(l), y = forward.Activated(l);
        double[]? mask = forward.Masks?[l - 1];
        var ed = new double[batch, n];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < n; i++)
            {
                double h = 0, magnitude = 0, propagated = 0;
                for (int j = 0; j < nNext; j++)
                {
                    double w = theta[mlp.WeightIndex(l + 1, i, j)];
                    h += deltaNext[b, j] * w;
                    magnitude += Math.Abs(deltaNext[b, j] * w);
                    propagated += edNext[b, j] * Math.Abs(w);
                }

                double eh = (Gamma(nNext) * magnitude) + propagated;
                if (mask is not null)
                {
                    // Dropout's mask first: h·m, one more rounding.
                    double m = mask[(b * n) + i];
                    (h, eh) = (h * m, (m * eh) + (U * Math.Abs(h * m)));
                }

                ed[b, i] = ElementwiseDelta(mlp.Activation(l), z[b, i], ez[b, i], y[b, i], ey[b, i], h, eh);
            }
        }

        return ed;
    }

    /// <summary>Bound on g·f'(y) computed in float from g̃ and ỹ (GELU, SiLU: g·f'(z) from z̃; see the header).</summary>
    private static double ElementwiseDelta(NaiveActivation f, double z, double ez, double y, double ey, double g, double eg)
    {
        double fPrime, eFPrime;
        switch (f)
        {
            case NaiveActivation.Gelu or NaiveActivation.Silu:
                fPrime = Math.Abs(NaiveMlp.Derivative(f, z));
                eFPrime = (MaxSecondDerivative(f) * ez) + KernelError(f, fPrime);
                break;
            case NaiveActivation.Relu:
                return z > 0 ? eg : 0;   // on the kink's far side δ is exactly 0 in both; near it the case is discarded
            case NaiveActivation.LeakyRelu:
                return z > 0 ? eg : (0.01 * eg) + (U * 0.01 * (Math.Abs(g) + eg)) + Tiny;   // g · 0.01, one rounding
            case NaiveActivation.Sigmoid:
                fPrime = y * (1 - y);
                eFPrime = (Math.Abs(1 - (2 * y)) * ey) + (2 * U * fPrime);
                break;
            case NaiveActivation.Tanh:
                fPrime = 1 - (y * y);
                eFPrime = (2 * Math.Abs(y) * ey) + (U * ((y * y) + fPrime));
                break;
            default:
                return eg;   // identity
        }

        return (fPrime * eg) + (Math.Abs(g) * eFPrime) + (U * Math.Abs(g * fPrime));
    }

    /// <summary>max |f''| over the reals: GELU φ(x)·(2 − x²) peaks at 0 with 2φ(0) = 0.798; SiLU's at 0 with 0.5.</summary>
    private static double MaxSecondDerivative(NaiveActivation f) => f == NaiveActivation.Gelu ? 0.8 : 0.5;

    /// <summary>
    /// The GELU and SiLU kernels' own error in f or f' of magnitude <paramref name="value"/>: 20 ulps (40u relative) plus
    /// 2⁻²⁰ absolute, about twice the worst ElementwiseForwardTests and ElementwiseDerivativeTests measure (f: 3.84e-7
    /// absolute, 7.39 ulps; f': 2.36e-7 absolute, 9.86 ulps).
    /// </summary>
    private static double KernelError(NaiveActivation f, double value) => f is NaiveActivation.Gelu or NaiveActivation.Silu ? (40 * U * value) + (1.0 / (1 << 20)) : 0;

    private static double[] GradientBounds(NaiveMlp mlp, NaiveForwardPass forward, NaiveBackwardPass backward, double[][,] ea, double[][,] ed)
    {
        int batch = forward.Batch;
        var bounds = new double[mlp.ParameterCount];
        for (int l = 1; l <= mlp.Layers; l++)
        {
            double[,] aIn = forward.A(l - 1), delta = backward.Delta(l);
            for (int j = 0; j < mlp.Size(l); j++)
            {
                for (int i = 0; i < mlp.Size(l - 1); i++)
                {
                    double magnitude = 0, propagated = 0;
                    for (int b = 0; b < batch; b++)
                    {
                        magnitude += Math.Abs(aIn[b, i] * delta[b, j]);
                        propagated += (Math.Abs(aIn[b, i]) * ed[l][b, j]) + (ea[l - 1][b, i] * Math.Abs(delta[b, j]));
                    }

                    bounds[mlp.WeightIndex(l, i, j)] = (Gamma(batch) * magnitude) + propagated;
                }

                double biasMagnitude = 0, biasPropagated = 0;
                for (int b = 0; b < batch; b++)
                {
                    biasMagnitude += Math.Abs(delta[b, j]);
                    biasPropagated += ed[l][b, j];
                }

                bounds[mlp.BiasIndex(l, j)] = (Gamma(batch) * biasMagnitude) + biasPropagated;
            }
        }

        return bounds;
    }

    private static double LossBound(NaiveForwardPass forward, double[,] ey, NaiveLoss loss, double[] targets, double[]? weights, double[] share)
    {
        double[,] y = forward.Output;
        int batch = y.GetLength(0), n = y.GetLength(1);
        double bound = 0;
        for (int b = 0; b < batch; b++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                double t = targets[(b * n) + j], yj = y[b, j];
                if (loss == NaiveLoss.CrossEntropy)
                {
                    sum += t == 0 ? 0 : Math.Abs(t) * ((ey[b, j] / yj) + (2 * U * Math.Abs(Math.Log(yj))));
                }
                else
                {
                    double d = Math.Abs(yj - t);
                    sum += 2 * d * (ey[b, j] + (U * d));
                }
            }

            bound += sum * (loss == NaiveLoss.MeanSquaredError ? share[b] / n : share[b]);
        }

        return bound + (U * Math.Abs(NaiveMlp.Loss(loss, y, targets, weights)));
    }
}
