// PerWeightDerivation: the derivation this project started from, kept as a second oracle (issue 14):
// ∂E/∂w for one weight (or bias) at a time, in double, forward mode, by a recursion over cases. It shares
// no code with NaiveMlp, whose δ-recursion is the derivation it is checked against, beyond the
// NaiveActivation enum and NaiveErf (GELU's Φ): it runs its own forward pass and never forms a δ. Slow by design: O(B·|θ|) work
// per parameter (times n_L through a softmax output), O(B·|θ|²) per gradient.
//
// Units: o_{l,m} for layer l = 0..L (o_0 = x) and m = 0..n_l − 1; every layer l < L also has a bias
// neuron o_{l,n_l} = 1. A weight w_{l;i→j} joins unit i of layer k = l − 1 (i = n_{l−1}: the bias neuron,
// so w_{l;n_{l−1}→j} is the bias b_l[j]) to unit j of layer l:
//   h_{l,j} = Σ_{i=0..n_{l−1}} w_{l;i→j} · o_{l−1,i},   o_{l,j} = g_l(h_{l,j})
// The flat layout of DESIGN.md section 2 (W_l [n_{l−1}, n_l] row-major, then b_l [n_l]) is exactly this
// matrix of n_{l−1} + 1 rows, the bias row last: θ index of w_{l;i→j} = offset_l + i·n_l + j.
// g: identity h; sigmoid 1 / (1 + e^−h), g' = g(1 − g); tanh, g' = 1 − g²; relu max(h, 0), g' = 1[h > 0];
// gelu h·Φ(h), g' = Φ(h) + h·φ(h); silu h·σ(h), g' = σ(h)(1 + h(1 − σ(h))), σ(h) = 1 / (1 + e^−h);
// softmax over the row, whose derivative is the Jacobian ∂o_m/∂h_q = o_m (1[m = q] − o_q) (below).
//
// The recursion, for the weight w = w_{l';i→j} leaving layer k = l' − 1 and a unit o_{l,m} (per sample):
//   bias neuron (m = n_l):                 ∂o_{l,m}/∂w = 0 (it is 1 whatever w is)
//   w posterior to the unit (k ≥ l):       ∂o_{l,m}/∂w = 0 (w acts above it; this covers the inputs, l = 0)
//   the layer just below (k = l − 1):      ∂o_{l,m}/∂w = g'(h_{l,m}) · o_{k,i} if m = j, else 0
//   deeper layers (k < l − 1):             ∂o_{l,m}/∂w = g'(h_{l,m}) · Σ_{q=0..n_{l−1}} w_{l;q→m} · ∂o_{l−1,q}/∂w
//                                          (the chain rule over layer l − 1's units, its bias neuron's term 0)
// For a softmax layer "g'(h_{l,m}) · ∂h_{l,m}/∂w" is read as the Jacobian product Σ_p ∂o_m/∂h_p · ∂h_{l,p}/∂w,
// with ∂h_{l,p}/∂w the bracket of the two last cases (o_{k,i}·1[p = j], or the sum); for an elementwise g
// the Jacobian is diagonal and this is the line as written. The table ∂o_{l,·}/∂w is filled layer by layer
// from l = 0 up, so each case reads the layer below already derived (the recursion, memoized).
// The error, over B samples of n = n_L outputs y = o_L against targets t (Loss.MeanSquaredError):
//   E = (1 / (B·n)) Σ_b Σ_j (y_bj − t_bj)²,   ∂E/∂w = (2 / (B·n)) Σ_b Σ_j (y_bj − t_bj) · ∂y_bj/∂w
// It validates only what would otherwise index out of range, and is meant to be slow and obvious.
namespace FastMlp.Reference;

/// <summary>∂E/∂w of the mean squared error, one parameter at a time, by the per-weight recursion over cases.</summary>
public sealed class PerWeightDerivation
{
    private readonly int[] _sizes;           // n_0..n_L
    private readonly NaiveActivation[] _g;   // g_1..g_L at indices 1..L (index 0 unused)
    private readonly int[] _offset;          // θ index of w_{l;0→0}, l = 1..L (index 0 unused)

    /// <param name="layerSizes">n_0 (inputs), hidden sizes, n_L (outputs).</param>
    /// <param name="hidden">g_l for l = 1..L − 1.</param>
    /// <param name="output">g_L.</param>
    public PerWeightDerivation(IReadOnlyList<int> layerSizes, NaiveActivation hidden, NaiveActivation output)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(layerSizes.Count, 2);
        _sizes = [.. layerSizes];
        int layers = _sizes.Length - 1;
        _g = new NaiveActivation[layers + 1];
        _offset = new int[layers + 1];
        int count = 0;
        for (int l = 1; l <= layers; l++)
        {
            _g[l] = l == layers ? output : hidden;
            _offset[l] = count;
            count += (_sizes[l - 1] + 1) * _sizes[l];   // n_{l−1} input rows and the bias neuron's row
        }

        ParameterCount = count;
    }

    /// <summary>|θ| = Σ_l (n_{l−1} + 1)·n_l.</summary>
    public int ParameterCount { get; }

    /// <summary>The weight θ_p is: w_{l;i→j}, with i = n_{l−1} for the bias b_l[j].</summary>
    public (int Layer, int From, int To) Locate(int parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(parameter, ParameterCount);
        int l = _sizes.Length - 1;
        while (_offset[l] > parameter)
        {
            l--;
        }

        int row = (parameter - _offset[l]) / _sizes[l];
        return (l, row, parameter - _offset[l] - (row * _sizes[l]));
    }

    /// <summary>∂E/∂θ_p for every p, each by its own recursion.</summary>
    public double[] Gradient(double[] parameters, double[] inputs, double[] targets, int batch)
    {
        Units units = Forward(parameters, inputs, batch);
        CheckTargets(targets, batch);
        var gradient = new double[ParameterCount];
        for (int p = 0; p < gradient.Length; p++)
        {
            gradient[p] = ErrorDerivative(units, targets, UnitDerivatives(parameters, units, p));
        }

        return gradient;
    }

    /// <summary>∂E/∂θ_p alone.</summary>
    public double Derivative(double[] parameters, double[] inputs, double[] targets, int batch, int parameter)
    {
        Units units = Forward(parameters, inputs, batch);
        CheckTargets(targets, batch);
        return ErrorDerivative(units, targets, UnitDerivatives(parameters, units, parameter));
    }

    /// <summary>
    /// The recursion's table for θ_p: ∂o_{l,m}/∂θ_p as [l][b, m] for l = 0..L, m = 0..n_l, the last column
    /// the bias neuron's.
    /// </summary>
    public double[][,] UnitDerivatives(double[] parameters, double[] inputs, int batch, int parameter) =>
        UnitDerivatives(parameters, Forward(parameters, inputs, batch), parameter);

    /// <summary>(2 / (B·n)) Σ_b Σ_j (y_bj − t_bj) · ∂y_bj/∂w.</summary>
    private double ErrorDerivative(Units units, double[] targets, double[][,] derivatives)
    {
        int layers = _sizes.Length - 1, n = _sizes[layers];
        double sum = 0;
        for (int b = 0; b < units.Batch; b++)
        {
            for (int j = 0; j < n; j++)
            {
                sum += (units.O[layers][b, j] - targets[(b * n) + j]) * derivatives[layers][b, j];
            }
        }

        return 2 * sum / ((double)units.Batch * n);
    }

    private double[][,] UnitDerivatives(double[] parameters, Units units, int parameter)
    {
        (int layer, int from, int to) = Locate(parameter);
        var w = new Weight(layer - 1, from, to);
        int layers = _sizes.Length - 1;
        var d = new double[layers + 1][,];
        for (int l = 0; l <= layers; l++)
        {
            d[l] = new double[units.Batch, _sizes[l] + 1];
            for (int b = 0; b < units.Batch; b++)
            {
                for (int m = 0; m <= _sizes[l]; m++)
                {
                    d[l][b, m] = UnitDerivative(parameters, units, d, w, l, m, b);
                }
            }
        }

        return d;
    }

    /// <summary>∂o_{l,m}/∂w for sample b, by the cases of the header; d holds the layers below l.</summary>
    private double UnitDerivative(double[] parameters, Units units, double[][,] d, Weight w, int l, int m, int b)
    {
        if (m == _sizes[l])
        {
            return 0;   // the bias neuron
        }

        if (w.Source >= l)
        {
            return 0;   // w is posterior to the unit
        }

        if (_g[l] != NaiveActivation.Softmax)
        {
            return Slope(_g[l], units.H[l][b, m], units.O[l][b, m]) * NetInputDerivative(parameters, units, d, w, l, m, b);
        }

        double sum = 0;   // Σ_p ∂o_m/∂h_p · ∂h_p/∂w
        for (int p = 0; p < _sizes[l]; p++)
        {
            double jacobian = units.O[l][b, m] * ((m == p ? 1 : 0) - units.O[l][b, p]);
            sum += jacobian * NetInputDerivative(parameters, units, d, w, l, p, b);
        }

        return sum;
    }

    /// <summary>∂h_{l,m}/∂w for sample b when w is not posterior to layer l (k = w.Source &lt; l).</summary>
    private double NetInputDerivative(double[] parameters, Units units, double[][,] d, Weight w, int l, int m, int b)
    {
        if (w.Source == l - 1)
        {
            return m == w.To ? units.O[w.Source][b, w.From] : 0;   // the layer just below: the source unit's output
        }

        double sum = 0;   // deeper layers: Σ over layer l − 1's units, bias neuron included
        for (int q = 0; q <= _sizes[l - 1]; q++)
        {
            sum += parameters[_offset[l] + (q * _sizes[l]) + m] * d[l - 1][b, q];
        }

        return sum;
    }

    /// <summary>g'(h) of an elementwise g, from h and o = g(h).</summary>
    private static double Slope(NaiveActivation g, double h, double o) => g switch
    {
        NaiveActivation.Identity => 1,
        NaiveActivation.Sigmoid => o * (1 - o),
        NaiveActivation.Tanh => 1 - (o * o),
        NaiveActivation.Relu => h > 0 ? 1 : 0,
        NaiveActivation.LeakyRelu => h > 0 ? 1 : 0.01,
        NaiveActivation.Gelu => Phi(h) + (h * Math.Exp(-h * h / 2) / Math.Sqrt(2 * Math.PI)),
        NaiveActivation.Silu => Logistic(h) * (1 + (h * (1 - Logistic(h)))),
        _ => throw new ArgumentOutOfRangeException(nameof(g), g, null),
    };

    /// <summary>Φ(h), the standard normal distribution function.</summary>
    private static double Phi(double h) => (1 + NaiveErf.Erf(h / Math.Sqrt(2))) / 2;

    /// <summary>σ(h) = 1 / (1 + e^−h).</summary>
    private static double Logistic(double h) => 1 / (1 + Math.Exp(-h));

    /// <summary>h_l and o_l of every layer, with the bias neuron o_{l,n_l} = 1 as the last column of o_l.</summary>
    private Units Forward(double[] parameters, double[] inputs, int batch)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(inputs);
        if (parameters.Length != ParameterCount || inputs.Length != batch * _sizes[0])
        {
            throw new ArgumentException($"Expected {ParameterCount} parameters and {batch}×{_sizes[0]} inputs, got {parameters.Length} and {inputs.Length}.", nameof(inputs));
        }

        int layers = _sizes.Length - 1;
        var h = new double[layers + 1][,];
        var o = new double[layers + 1][,];
        o[0] = new double[batch, _sizes[0] + 1];
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < _sizes[0]; m++)
            {
                o[0][b, m] = inputs[(b * _sizes[0]) + m];
            }

            o[0][b, _sizes[0]] = 1;
        }

        for (int l = 1; l <= layers; l++)
        {
            int n = _sizes[l];
            h[l] = new double[batch, n];
            o[l] = new double[batch, n + 1];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int i = 0; i <= _sizes[l - 1]; i++)
                    {
                        h[l][b, j] += parameters[_offset[l] + (i * n) + j] * o[l - 1][b, i];
                    }
                }

                Activate(_g[l], h[l], o[l], b, n);
                o[l][b, n] = 1;
            }
        }

        return new Units(batch, h, o);
    }

    /// <summary>o[b, ·] = g(h[b, ·]) for one sample's n units.</summary>
    private static void Activate(NaiveActivation g, double[,] h, double[,] o, int b, int n)
    {
        if (g == NaiveActivation.Softmax)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < n; j++)
            {
                max = Math.Max(max, h[b, j]);
            }

            for (int j = 0; j < n; j++)
            {
                o[b, j] = Math.Exp(h[b, j] - max);
                sum += o[b, j];
            }

            for (int j = 0; j < n; j++)
            {
                o[b, j] /= sum;
            }

            return;
        }

        for (int j = 0; j < n; j++)
        {
            o[b, j] = g switch
            {
                NaiveActivation.Identity => h[b, j],
                NaiveActivation.Sigmoid => 1 / (1 + Math.Exp(-h[b, j])),
                NaiveActivation.Tanh => Math.Tanh(h[b, j]),
                NaiveActivation.Relu => h[b, j] > 0 ? h[b, j] : 0,
                NaiveActivation.LeakyRelu => h[b, j] > 0 ? h[b, j] : 0.01 * h[b, j],
                NaiveActivation.Gelu => h[b, j] * Phi(h[b, j]),
                NaiveActivation.Silu => h[b, j] * Logistic(h[b, j]),
                _ => throw new ArgumentOutOfRangeException(nameof(g), g, null),
            };
        }
    }

    private void CheckTargets(double[] targets, int batch)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length != batch * _sizes[^1])
        {
            throw new ArgumentException($"Expected {batch}×{_sizes[^1]} targets, got {targets.Length}.", nameof(targets));
        }
    }

    /// <summary>w_{l;i→j} as the recursion sees it: its source layer k = l − 1, source unit i, target unit j.</summary>
    private readonly record struct Weight(int Source, int From, int To);

    /// <summary>One forward pass: h_l [B, n_l] (l ≥ 1) and o_l [B, n_l + 1] (l ≥ 0, bias neuron last).</summary>
    private sealed record Units(int Batch, double[][,] H, double[][,] O);
}
