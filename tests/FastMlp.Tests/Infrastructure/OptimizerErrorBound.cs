// OptimizerErrorBound: how far FastMlp's float optimizer results may lie from the NaiveOptimizers' double
// ones after several steps, derived by a running error analysis of the float computation rather than guessed.
//
// Each element of a FastMlp optimizer goes through a fixed, short chain of IEEE float operations per step
// (src/FastMlp/Training/Optimizers/*Update.cs; the same in the vector bodies and the scalar tail), each
// rounded once: |fl(x ∘ y) − x ∘ y| ≤ u·|x ∘ y| + 2^-150 (u = 2^-24; the second term covers underflow).
// The tracker below replays that chain on Tracked numbers: the exact value (in double, whose own error
// is ~2^-53 relative and negligible) and e, a bound on |float − exact|. Propagation, with x̃ = x + δx,
// |δx| ≤ e_x, and every bound then rounded as r(v, e) = e + u·(|v| + e) + 2^-150:
//   x + y       e_x + e_y
//   x·y         |x|·e_y + |y|·e_x + e_x·e_y
//   fma(x,y,z)  |x|·e_y + |y|·e_x + e_x·e_y + e_z
//   x / y       (e_x + |x/y|·e_y) / (|y| − e_y)               (needs e_y < |y|)
//   √x          min(√e_x, e_x / (√x + √max(x − e_x, 0)))
// These hold to all orders (no term is dropped), so over any number of steps the bound is rigorous for the
// chain replayed. Scalars folded per step from exact float hyperparameters in double and rounded to float
// once (1 − β, lr / (1 − β1^t), 1 / √(1 − β2^t), 1 − lr·λ) enter as (exact, u·|exact|); the hyperparameters
// themselves are floats and enter both sides exactly; a product by an exact 1 is exact.
// Parameters are compared after every step: |got − want| ≤ Safety·e_p, Safety = 2 covering the reference's
// own double rounding and that of the folded scalars (both ~2^-50 relative, far below u). Measured, the
// bound is tight: the worst errors over a few hundred cases per optimizer reach about 0.55·e_p (so runs
// with Safety 0.5 fail for every optimizer), and 20× too small a bound fails within the first cases.
//
// A divisor (√v + ε, or √v·c2 + ε) may lie within its error bound of 0: the gradient g' = g + λ·p has
// cancelled to about its own error (λ times the parameter's accumulated rounding) while ε is tiny, and
// g' / (|g'| + ε) then legitimately flips between about −1 and 1. No bound can say anything about such an
// element; the case is IllConditioned and the property discards it (measured: about 1 Adam or RMSProp
// case in 10,000, none of SGD or AdamW in 20,000).
//
// What the bound looks like: one step of plain SGD allows u·|p'| + u·lr·|g| (p' the new value), i.e. a few
// ulps of the parameter; momentum adds u per term of the velocity sum Σ μ^k·|g|; Adam's and RMSProp's
// sqrt, quotient and bias corrections add a few u of the update lr·|m̂ / (√v̂ + ε)|, growing with the steps.
// Why a bug cannot hide under it: after t ≤ 6 steps the bound is ≲ 10·t·u (< 4e-6) relative to the
// parameter plus its updates, while a wrong, missing or misplaced term (a bias correction, ε outside the
// root, β1 for β2, the Nesterov look-ahead, λ coupled instead of decoupled, a tail that skips the state)
// changes an update by a sizeable fraction of itself, and the learning rates drawn (≥ 1e-4) make updates
// far larger than the bound; ε and λ are drawn large enough (up to 1 and 0.5) for their placement to show.
namespace FastMlp.Tests.Infrastructure;

/// <summary>An exact value and a bound on the error of its float counterpart (see the file header).</summary>
internal readonly record struct Tracked(double Value, double Error)
{
    public const double U = 1.0 / (1 << 24);

    private static readonly double s_underflow = Math.ScaleB(1.0, -150);

    /// <summary>A float that both sides hold exactly.</summary>
    public static Tracked Exact(double value) => new(value, 0);

    /// <summary>A scalar computed from exact inputs and rounded to float once.</summary>
    public static Tracked RoundedOnce(double exact) => new(exact, (U * Math.Abs(exact)) + s_underflow);

    public static Tracked operator +(Tracked x, Tracked y) => Round(x.Value + y.Value, x.Error + y.Error);

    public static Tracked operator *(Tracked x, Tracked y)
    {
        if (x.Error == 0 && Math.Abs(x.Value) == 1)
        {
            return new Tracked(x.Value * y.Value, y.Error);
        }

        return Round(x.Value * y.Value, (Math.Abs(x.Value) * y.Error) + (Math.Abs(y.Value) * x.Error) + (x.Error * y.Error));
    }

    /// <summary>x / y; an infinite error when y may be 0 within its bound (the quotient is then unknown).</summary>
    public static Tracked operator /(Tracked x, Tracked y)
    {
        double quotient = x.Value / y.Value, margin = Math.Abs(y.Value) - y.Error;
        return margin > 0 ? Round(quotient, (x.Error + (Math.Abs(quotient) * y.Error)) / margin) : new Tracked(quotient, double.PositiveInfinity);
    }

    public static Tracked Fma(Tracked x, Tracked y, Tracked z) =>
        Round((x.Value * y.Value) + z.Value, (Math.Abs(x.Value) * y.Error) + (Math.Abs(y.Value) * x.Error) + (x.Error * y.Error) + z.Error);

    public static Tracked Sqrt(Tracked x)
    {
        double root = Math.Sqrt(x.Value);
        double moved = Math.Min(Math.Sqrt(x.Error), x.Error / (root + Math.Sqrt(Math.Max(x.Value - x.Error, 0))));
        return Round(root, x.Error == 0 ? 0 : moved);
    }

    private static Tracked Round(double value, double error) => new(value, error + (U * (Math.Abs(value) + error)) + s_underflow);
}

/// <summary>Replays a case's float chain per element on <see cref="Tracked"/> numbers, step by step.</summary>
internal sealed class OptimizerErrorBound
{
    /// <summary>Factor on every bound (see the file header).</summary>
    public const double Safety = 2;

    private readonly OptimizerTestCase _case;
    private readonly Tracked[] _p, _first, _second;
    private int _t;

    public OptimizerErrorBound(OptimizerTestCase t, float[] parameters)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(parameters);
        _case = t;
        _p = [.. parameters.Select(p => Tracked.Exact(p))];
        _first = new Tracked[parameters.Length];
        _second = new Tracked[parameters.Length];
    }

    /// <summary>Some divisor so far may have been 0 within its bound (see the file header): the bounds say nothing.</summary>
    public bool IllConditioned { get; private set; }

    /// <summary>Safety·e_p for every parameter after the steps so far.</summary>
    public double[] Bounds() => [.. _p.Select(p => Safety * p.Error)];

    public void Step(float[] gradients, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        _t++;
        for (int i = 0; i < _p.Length; i++)
        {
            Tracked g = Tracked.Exact(gradients[i]);
            switch (_case.Kind)
            {
                case OptimizerKind.Sgd:
                    Sgd(i, g, learningRate);
                    break;
                case OptimizerKind.RmsProp:
                    RmsProp(i, g, learningRate);
                    break;
                default:
                    Adam(i, g, learningRate);
                    break;
            }

            IllConditioned |= !double.IsFinite(_p[i].Error);
        }
    }

    /// <summary>Sgd's rules (SgdRules.cs), b in _first.</summary>
    private void Sgd(int i, Tracked g, float learningRate)
    {
        Tracked lr = Tracked.Exact(-learningRate), mu = Tracked.Exact(_case.Momentum), wd = Tracked.Exact(_case.WeightDecay);
        if (_case.Momentum == 0)
        {
            Tracked d = _case.WeightDecay == 0 ? g : Tracked.Fma(wd, _p[i], g);
            _p[i] = Tracked.Fma(lr, d, _p[i]);
            return;
        }

        Tracked gd = Tracked.Fma(wd, _p[i], g);
        _first[i] = Tracked.Fma(mu, _first[i], gd);
        Tracked step = _case.Nesterov ? Tracked.Fma(mu, _first[i], gd) : _first[i];
        _p[i] = Tracked.Fma(lr, step, _p[i]);
    }

    /// <summary>AdamRule with AdamMoments' scalars, m in _first and v in _second.</summary>
    private void Adam(int i, Tracked g, float learningRate)
    {
        double beta1 = _case.Beta1, beta2 = _case.Beta2;
        bool decoupled = _case.Kind == OptimizerKind.AdamW;
        Tracked c1 = Tracked.RoundedOnce(1 - beta1), c2 = Tracked.RoundedOnce(1 - beta2);
        Tracked stepSize = Tracked.RoundedOnce(-learningRate / (1 - Math.Pow(beta1, _t)));
        Tracked rootCorrection = Tracked.RoundedOnce(1 / Math.Sqrt(1 - Math.Pow(beta2, _t)));
        Tracked factor = decoupled ? Tracked.RoundedOnce(1 - ((double)learningRate * _case.WeightDecay)) : Tracked.Exact(1);
        Tracked wd = Tracked.Exact(decoupled ? 0 : _case.WeightDecay);

        Tracked gd = Tracked.Fma(wd, _p[i], g);
        _first[i] = Tracked.Fma(Tracked.Exact(beta1), _first[i], c1 * gd);
        _second[i] = Tracked.Fma(Tracked.Exact(beta2), _second[i], c2 * gd * gd);
        Tracked denominator = Tracked.Fma(Tracked.Sqrt(_second[i]), rootCorrection, Tracked.Exact(_case.Epsilon));
        _p[i] = Tracked.Fma(stepSize, _first[i] / denominator, factor * _p[i]);
    }

    /// <summary>RmsProp's rules (RmsPropRules.cs), v in _first and b in _second.</summary>
    private void RmsProp(int i, Tracked g, float learningRate)
    {
        Tracked lr = Tracked.Exact(-learningRate), ca = Tracked.RoundedOnce(1 - (double)_case.Alpha);
        Tracked gd = Tracked.Fma(Tracked.Exact(_case.WeightDecay), _p[i], g);
        _first[i] = Tracked.Fma(Tracked.Exact(_case.Alpha), _first[i], ca * gd * gd);
        Tracked scaled = gd / (Tracked.Sqrt(_first[i]) + Tracked.Exact(_case.Epsilon));
        if (_case.Momentum == 0)
        {
            _p[i] = Tracked.Fma(lr, scaled, _p[i]);
            return;
        }

        _second[i] = Tracked.Fma(Tracked.Exact(_case.Momentum), _second[i], scaled);
        _p[i] = Tracked.Fma(lr, _second[i], _p[i]);
    }
}
