// NaiveMlp: the naive twin of FastMlp's Network and Trainer, written from the backpropagation formulas
// and nothing else: double precision, loops over samples and units, no blocking, no shared code.
//
// Parameters: one flat array θ in the layout of DESIGN.md section 2, for layers l = 1..L in order:
//   W_l [n_{l−1}, n_l] row-major (W_l[i, j] is the weight from input i to unit j), then b_l [n_l].
// Forward, per sample b (a_0 = x):
//   z_l[b, j] = Σ_i a_{l−1}[b, i] · W_l[i, j] + b_l[j],   a_l = f_l(z_l)
//   f: identity z; sigmoid 1 / (1 + e^−z); tanh; relu max(z, 0); leaky relu z > 0 ? z : 0.01·z; softmax e^(z_j − m) / Σ_k e^(z_k − m), m = max_k z_k.
// Loss over B samples of n outputs y = a_L against targets t:
//   MeanSquaredError (1 / (B·n)) Σ (y − t)²; SumSquaredError (1 / B) Σ_b ‖y_b − t_b‖²;
//   CrossEntropy −(1 / B) Σ t · ln y (a term with t = 0 is 0);
//   BinaryCrossEntropy −(1 / (B·n)) Σ [t · ln y + (1 − t) · ln(1 − y)], each ln at no less than −100.
//   With sample weights w_b: every term of sample b times w_b, and B replaced by W = Σ_b w_b (the weighted
//   batch mean Σ_b w_b·ℓ_b / W); without them w_b = 1 and W = B, the same arithmetic.
// Backward:
//   g = ∂L/∂y: 2 (y − t) / (B·n), 2 (y − t) / B, −t / (B·y), or (−t / y + (1 − t) / (1 − y)) / (B·n)
//       (weighted: w_b times that, with W for B);
//   δ_L = ∂L/∂z_L: g ⊙ f'(z_L) for an elementwise f; for softmax, through the full Jacobian
//         ∂y_k/∂z_j = y_k (1[k = j] − y_j), δ_j = Σ_k g_k · y_k (1[k = j] − y_j); with cross-entropy the
//         products g_k · y_k are −t_k / B exactly, which gives δ_j = (y_j · Σ_k t_k − t_j) / B, i.e.
//         (p − t) / B for one-hot targets, with no division by a small y;
//   δ_l = (δ_{l+1} · W_{l+1}ᵀ) ⊙ m_l ⊙ f'(z_l) for l = L − 1..1, f' taken at the pre-activation, m_l the layer's
//         dropout mask (a_l = f(z_l) ⊙ m_l; all ones without dropout)
//         (sigmoid σ(1 − σ), tanh 1 − tanh², relu 1[z > 0], identity 1);
//   ∂L/∂W_l = a_{l−1}ᵀ · δ_l, ∂L/∂b_l = Σ_b δ_l[b, ·] (the 1 / B of the batch mean is already in g).
// SGD: θ ← θ − lr · ∂L/∂θ.
// It validates only what would otherwise index out of range, and is meant to be slow and obvious.
namespace FastMlp.Reference;

/// <summary>A dense network evaluated and differentiated in double, straight from the formulas.</summary>
public sealed class NaiveMlp
{
    private readonly int[] _sizes;           // n_0..n_L
    private readonly NaiveActivation[] _f;   // f_1..f_L at indices 1..L (index 0 unused)
    private readonly int[] _offset;          // where layer l's W_l starts, l = 1..L (index 0 unused)

    /// <param name="layerSizes">n_0 (inputs), hidden sizes, n_L (outputs).</param>
    /// <param name="hidden">f_l for l = 1..L − 1.</param>
    /// <param name="output">f_L.</param>
    public NaiveMlp(IReadOnlyList<int> layerSizes, NaiveActivation hidden, NaiveActivation output)
        : this(layerSizes, [.. Enumerable.Range(1, (layerSizes ?? throw new ArgumentNullException(nameof(layerSizes))).Count - 1).Select(l => l == layerSizes.Count - 1 ? output : hidden)])
    {
    }

    /// <param name="layerSizes">n_0 (inputs), hidden sizes, n_L (outputs).</param>
    /// <param name="activations">f_l for l = 1..L, one per layer.</param>
    public NaiveMlp(IReadOnlyList<int> layerSizes, IReadOnlyList<NaiveActivation> activations)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentOutOfRangeException.ThrowIfLessThan(layerSizes.Count, 2);
        _sizes = [.. layerSizes];
        int layers = _sizes.Length - 1;
        ArgumentOutOfRangeException.ThrowIfNotEqual(activations.Count, layers);
        _f = new NaiveActivation[layers + 1];
        _offset = new int[layers + 1];
        int count = 0;
        for (int l = 1; l <= layers; l++)
        {
            _f[l] = activations[l - 1];
            _offset[l] = count;
            count += (_sizes[l - 1] * _sizes[l]) + _sizes[l];
        }

        ParameterCount = count;
    }

    /// <summary>L, the number of dense layers.</summary>
    public int Layers => _sizes.Length - 1;

    /// <summary>|θ| = Σ_l (n_{l−1}·n_l + n_l).</summary>
    public int ParameterCount { get; }

    /// <summary>n_l for l = 0..L.</summary>
    public int Size(int layer) => _sizes[layer];

    /// <summary>f_l for l = 1..L.</summary>
    public NaiveActivation Activation(int layer) => _f[layer];

    /// <summary>Index of W_l[i, j] in θ.</summary>
    public int WeightIndex(int layer, int i, int j) => _offset[layer] + (i * _sizes[layer]) + j;

    /// <summary>Index of b_l[j] in θ.</summary>
    public int BiasIndex(int layer, int j) => _offset[layer] + (_sizes[layer - 1] * _sizes[layer]) + j;

    /// <summary>Runs the batch x [B, n_0] (row-major) through every layer.</summary>
    public NaiveForwardPass Forward(double[] parameters, double[] inputs, int batch) => Forward(parameters, inputs, batch, null);

    /// <summary>
    /// Runs the batch through every layer with dropout: a_l = f_l(z_l) ⊙ m_l for each hidden layer l whose mask
    /// <paramref name="masks"/>[l − 1] is not null ([B · n_l] row-major: 0 for a dropped unit, 1/(1 − p) for a kept one).
    /// </summary>
    public NaiveForwardPass Forward(double[] parameters, double[] inputs, int batch, double[]?[]? masks)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(inputs);
        int layers = Layers;
        var z = new double[layers + 1][,];
        var a = new double[layers + 1][,];
        var activated = new double[,]?[layers + 1];   // f(z_l) before dropout, where a layer has it
        a[0] = ToMatrix(inputs, batch, _sizes[0]);
        for (int l = 1; l <= layers; l++)
        {
            int nIn = _sizes[l - 1], nOut = _sizes[l];
            z[l] = new double[batch, nOut];
            a[l] = new double[batch, nOut];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < nOut; j++)
                {
                    double sum = parameters[BiasIndex(l, j)];
                    for (int i = 0; i < nIn; i++)
                    {
                        sum += a[l - 1][b, i] * parameters[WeightIndex(l, i, j)];
                    }

                    z[l][b, j] = sum;
                }

                Activate(_f[l], z[l], a[l], b);
            }

            if (Mask(masks, l) is { } mask)
            {
                activated[l] = (double[,])a[l].Clone();
                for (int i = 0; i < mask.Length; i++)
                {
                    a[l][i / nOut, i % nOut] *= mask[i];
                }
            }
        }

        return new NaiveForwardPass(batch, z, a, activated, masks);
    }

    /// <summary>The loss of outputs y [B, n] against targets t (row-major, B·n values), weighted by <paramref name="weights"/> [B] when given.</summary>
    public static double Loss(NaiveLoss loss, double[,] outputs, double[] targets, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        int batch = outputs.GetLength(0), n = outputs.GetLength(1);
        double total = TotalWeight(weights, batch);
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            double weight = weights?[b] ?? 1;
            for (int j = 0; j < n; j++)
            {
                double y = outputs[b, j], t = targets[(b * n) + j];
                sum += weight * loss switch
                {
                    NaiveLoss.CrossEntropy => t == 0 ? 0 : -t * Math.Log(y),
                    NaiveLoss.BinaryCrossEntropy => -((t * Math.Max(Math.Log(y), -100)) + ((1 - t) * Math.Max(Math.Log(1 - y), -100))),
                    _ => (y - t) * (y - t),
                };
            }
        }

        return loss is NaiveLoss.MeanSquaredError or NaiveLoss.BinaryCrossEntropy ? sum / (total * n) : sum / total;
    }

    /// <summary>The loss of the network with parameters θ on the batch: Loss(Forward(θ, x).Output, t, w).</summary>
    public double Loss(NaiveLoss loss, double[] parameters, double[] inputs, double[] targets, int batch, double[]? weights = null) =>
        Loss(loss, Forward(parameters, inputs, batch).Output, targets, weights);

    /// <summary>δ_l for every layer and ∂L/∂θ, from a forward pass with the same parameters; weighted by <paramref name="weights"/> [B] when given.</summary>
    public NaiveBackwardPass Backward(double[] parameters, NaiveForwardPass forward, NaiveLoss loss, double[] targets, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(targets);
        int layers = Layers, batch = forward.Batch;
        var delta = new double[layers + 1][,];
        delta[layers] = OutputDelta(loss, forward, targets, weights);

        for (int l = layers - 1; l >= 1; l--)
        {
            int n = _sizes[l], nNext = _sizes[l + 1];
            delta[l] = new double[batch, n];
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;   // (δ_{l+1} · W_{l+1}ᵀ)[b, i]
                    for (int j = 0; j < nNext; j++)
                    {
                        sum += delta[l + 1][b, j] * parameters[WeightIndex(l + 1, i, j)];
                    }

                    double[]? mask = Mask(forward.Masks, l);
                    delta[l][b, i] = sum * (mask is null ? 1 : mask[(b * n) + i]) * Derivative(_f[l], forward.Z(l)[b, i]);
                }
            }
        }

        var gradients = new double[ParameterCount];
        for (int l = 1; l <= layers; l++)
        {
            double[,] input = forward.A(l - 1);
            for (int j = 0; j < _sizes[l]; j++)
            {
                for (int i = 0; i < _sizes[l - 1]; i++)
                {
                    double sum = 0;   // (a_{l−1}ᵀ · δ_l)[i, j]
                    for (int b = 0; b < batch; b++)
                    {
                        sum += input[b, i] * delta[l][b, j];
                    }

                    gradients[WeightIndex(l, i, j)] = sum;
                }

                double biasSum = 0;
                for (int b = 0; b < batch; b++)
                {
                    biasSum += delta[l][b, j];
                }

                gradients[BiasIndex(l, j)] = biasSum;
            }
        }

        return new NaiveBackwardPass(delta, gradients);
    }

    /// <summary>θ − lr · g, as a new array.</summary>
    public static double[] SgdStep(double[] parameters, ReadOnlySpan<double> gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var next = new double[parameters.Length];
        for (int p = 0; p < next.Length; p++)
        {
            next[p] = parameters[p] - (learningRate * gradients[p]);
        }

        return next;
    }

    /// <summary>The dropout mask of hidden layer l (masks[l − 1]); null for none.</summary>
    private double[]? Mask(IReadOnlyList<double[]?>? masks, int layer) => masks is not null && layer < Layers ? masks[layer - 1] : null;

    /// <summary>f(z) for an elementwise activation.</summary>
    public static double Apply(NaiveActivation f, double z) => f switch
    {
        NaiveActivation.Identity => z,
        NaiveActivation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        NaiveActivation.Tanh => Math.Tanh(z),
        NaiveActivation.Relu => Math.Max(z, 0),
        NaiveActivation.LeakyRelu => z > 0 ? z : 0.01 * z,
        NaiveActivation.Gelu => z * Cdf(z),
        NaiveActivation.Silu => z / (1 + Math.Exp(-z)),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Softmax is not elementwise."),
    };

    /// <summary>f'(z) for an elementwise activation (relu: 1[z &gt; 0]).</summary>
    public static double Derivative(NaiveActivation f, double z)
    {
        switch (f)
        {
            case NaiveActivation.Identity:
                return 1;
            case NaiveActivation.Sigmoid:
                double s = Apply(f, z);
                return s * (1 - s);
            case NaiveActivation.Tanh:
                double t = Math.Tanh(z);
                return 1 - (t * t);
            case NaiveActivation.Relu:
                return z > 0 ? 1 : 0;
            case NaiveActivation.LeakyRelu:
                return z > 0 ? 1 : 0.01;
            case NaiveActivation.Gelu:
                return Cdf(z) + (z * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI));
            case NaiveActivation.Silu:
                double sigma = 1 / (1 + Math.Exp(-z));
                return sigma * (1 + (z * (1 - sigma)));
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f, "Softmax is not elementwise.");
        }
    }

    /// <summary>Φ(z) = ½·erfc(−z/√2), the standard normal distribution function (no cancellation for z ≪ 0).</summary>
    public static double Cdf(double z) => NaiveErf.Erfc(-z / Math.Sqrt(2)) / 2;

    /// <summary>W = Σ_b w_b, or B without weights.</summary>
    private static double TotalWeight(double[]? weights, int batch)
    {
        if (weights is null)
        {
            return batch;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, batch, nameof(weights));
        return weights.Sum();
    }

    /// <summary>δ_L = ∂L/∂z_L [B, n_L] (see the file header).</summary>
    private double[,] OutputDelta(NaiveLoss loss, NaiveForwardPass forward, double[] targets, double[]? weights)
    {
        int batch = forward.Batch, n = _sizes[^1];
        double total = TotalWeight(weights, batch);
        double[,] y = forward.Output, z = forward.Z(Layers);
        var delta = new double[batch, n];
        var g = new double[n];   // ∂L/∂y of one sample
        for (int b = 0; b < batch; b++)
        {
            double weight = weights?[b] ?? 1;
            if (loss == NaiveLoss.CrossEntropy && _f[^1] == NaiveActivation.Softmax)
            {
                double targetSum = 0;
                for (int k = 0; k < n; k++)
                {
                    targetSum += targets[(b * n) + k];
                }

                for (int j = 0; j < n; j++)
                {
                    delta[b, j] = weight * ((y[b, j] * targetSum) - targets[(b * n) + j]) / total;
                }

                continue;
            }

            for (int j = 0; j < n; j++)
            {
                double t = targets[(b * n) + j];
                g[j] = loss switch
                {
                    NaiveLoss.MeanSquaredError => weight * 2 * (y[b, j] - t) / (total * n),
                    NaiveLoss.SumSquaredError => weight * 2 * (y[b, j] - t) / total,
                    NaiveLoss.BinaryCrossEntropy => weight * ((-t / y[b, j]) + ((1 - t) / (1 - y[b, j]))) / (total * n),
                    _ => t == 0 ? 0 : weight * -t / (total * y[b, j]),
                };
            }

            for (int j = 0; j < n; j++)
            {
                if (_f[^1] != NaiveActivation.Softmax)
                {
                    delta[b, j] = g[j] * Derivative(_f[^1], z[b, j]);
                    continue;
                }

                double sum = 0;   // Σ_k g_k · ∂y_k/∂z_j
                for (int k = 0; k < n; k++)
                {
                    sum += g[k] * y[b, k] * ((k == j ? 1 : 0) - y[b, j]);
                }

                delta[b, j] = sum;
            }
        }

        return delta;
    }

    /// <summary>a[b, ·] = f(z[b, ·]) for one sample (Softmax over the row).</summary>
    public static void Activate(NaiveActivation f, double[,] z, double[,] a, int b)
    {
        int n = z.GetLength(1);
        if (f != NaiveActivation.Softmax)
        {
            for (int j = 0; j < n; j++)
            {
                a[b, j] = Apply(f, z[b, j]);
            }

            return;
        }

        double max = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            max = Math.Max(max, z[b, j]);
        }

        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            a[b, j] = Math.Exp(z[b, j] - max);
            sum += a[b, j];
        }

        for (int j = 0; j < n; j++)
        {
            a[b, j] /= sum;
        }
    }

    private static double[,] ToMatrix(double[] values, int rows, int columns)
    {
        if (values.Length != rows * columns)
        {
            throw new ArgumentException($"Expected {rows}×{columns} = {rows * columns} values, got {values.Length}.", nameof(values));
        }

        var m = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                m[r, c] = values[(r * columns) + c];
            }
        }

        return m;
    }
}
