// RMSProp: Tieleman and Hinton, "Neural Networks for Machine Learning", lecture 6e (Coursera, 2012):
// divide the gradient by a running root mean square of its recent values. As PyTorch's torch.optim.RMSprop
// (not centered; ε added outside the square root; optional momentum on the scaled gradient; L2 weight
// decay added to the gradient), with its defaults.
namespace FastMlp;

/// <summary>
/// g' = g + λ·p;  v ← α·v + (1 − α)·g'²;  p ← p − lr·g' / (√v + ε);  with momentum μ:
/// b ← μ·b + g' / (√v + ε),  p ← p − lr·b   (Hinton 2012, lecture 6e; v₀ = b₀ = 0).
/// </summary>
public sealed class RmsProp : IAdjustableOptimizer, IGuardedOptimizer, IStatefulOptimizer
{
    private readonly OptimizerState _state;

    /// <param name="learningRate">The step size lr; positive and finite. Default 1e-2.</param>
    /// <param name="alpha">α, the decay of the mean square v, in [0, 1). Default 0.99.</param>
    /// <param name="epsilon">ε added to √v; positive and finite. Default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0, finite: the L2 penalty, λ·p added to the gradient. Default 0.</param>
    /// <param name="momentum">μ in [0, 1); 0 (the default) for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0, float momentum = 0)
    {
        LearningRate = learningRate;
        Alpha = OptimizerArguments.ValidDecayRate(alpha, nameof(alpha));
        Epsilon = OptimizerArguments.ValidPositive(epsilon, nameof(epsilon));
        WeightDecay = OptimizerArguments.ValidNonNegative(weightDecay, nameof(weightDecay));
        Momentum = OptimizerArguments.ValidDecayRate(momentum, nameof(momentum));
        _state = new OptimizerState(momentum == 0 ? 1 : 2);
    }

    /// <summary>The step size lr; positive and finite.</summary>
    public float LearningRate
    {
        get;
        set => field = OptimizerArguments.ValidLearningRate(value);
    }

    /// <summary>α, the decay of the mean square.</summary>
    public float Alpha { get; }

    /// <summary>ε, added to √v.</summary>
    public float Epsilon { get; }

    /// <summary>The L2 weight decay λ added to the gradient as λ·p.</summary>
    public float WeightDecay { get; }

    /// <summary>The momentum μ in [0, 1); 0 for none.</summary>
    public float Momentum { get; }

    /// <summary>
    /// g' = g + λ·p;  v ← α·v + (1 − α)·g'²;  p ← p − lr·g' / (√v + ε), or with momentum b ← μ·b + g' / (√v + ε), p ← p − lr·b.
    /// v (and b) are allocated by the first Step, for its length, and belong to the parameters of that Step: when a
    /// <see cref="Trainer"/> took it, to that network's parameter buffer (another buffer throws), otherwise to their length.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the spans overlap, or the parameters are not as long as those of the first Step, or are not
    /// the network's Parameters when a Trainer bound the state to them. Nothing is written then.
    /// </exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        _state.Bind(parameters);
        var flat = new FlatUpdatePass(gradients, parameters);
        Update(ref flat);
    }

    /// <summary>Zeroes v (and b) and releases them; the next Step starts as a new optimizer's would, on any parameters.</summary>
    public void Reset() => _state.Reset();

    /// <inheritdoc/>
    public OptimizerSnapshot SaveState() => new(nameof(RmsProp), 0, _state.Export());

    /// <inheritdoc/>
    public void LoadState(OptimizerSnapshot snapshot) => _state.Import(snapshot, nameof(RmsProp), kept: Momentum == 0 ? 1 : 2);

    bool IGuardedOptimizer.StateFinite => _state.Finite;

    void IGuardedOptimizer.Bind(PinnedFloats parameters) => _state.Bind(parameters);

    /// <summary>
    /// |g'| ≤ G + λ·P;  v ≤ α·V + (1 − α)·g'²;  |g' / (√v + ε)| ≤ |g'| / ε;  with momentum |b| ≤ μ·B + |g'| / ε;
    /// |p| ≤ P + lr·|g'| / ε (or P + lr·|b|); each below the limit.
    /// </summary>
    bool IGuardedOptimizer.Bounded(double maxGradient, double maxParameter)
    {
        double g = maxGradient + (WeightDecay * maxParameter);
        double v = (Alpha * (double)_state.FirstMax) + ((float)(1.0 - Alpha) * g * g);
        double q = g / Epsilon, d = Momentum == 0 ? q : (Momentum * (double)_state.SecondMax) + q;
        const double limit = IGuardedOptimizer.Limit;
        return g < limit && v < limit && d < limit && maxParameter + (LearningRate * d) < limit;   // d ≥ |g'| / ε
    }

    float IGuardedOptimizer.Update(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        var flat = new FlatUpdatePass(gradients, parameters);
        return Update(ref flat);
    }

    float IGuardedOptimizer.Update<TPass>(ref TPass pass) => Update(ref pass);

    void IGuardedOptimizer.SaveState() => _state.Save();

    void IGuardedOptimizer.RestoreState() => _state.Restore();

    private float Update<TPass>(ref TPass pass)
        where TPass : struct, IUpdatePass, allows ref struct
    {
        float oneMinusAlpha = (float)(1.0 - Alpha);
        UpdateMagnitudes written = Momentum == 0
            ? pass.Run(new RmsPropRule(LearningRate, Alpha, oneMinusAlpha, Epsilon, WeightDecay), _state.First, default)
            : pass.Run(new RmsPropMomentumRule(LearningRate, Alpha, oneMinusAlpha, Epsilon, WeightDecay, Momentum), _state.First, _state.Second);
        _state.Record(written);
        return written.Parameters;
    }
}
