// AdamW: Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019 (Algorithm 2): Adam
// whose weight decay shrinks the parameters directly instead of entering the gradient, so it is not
// rescaled by 1 / (√v̂ + ε). Scaled by the learning rate as PyTorch's torch.optim.AdamW does (its
// schedule multiplier η_t is lr here), with PyTorch's defaults.
namespace FastMlp;

/// <summary>
/// p ← p·(1 − lr·λ);  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);
/// p ← p − lr·m̂ / (√v̂ + ε)   (Loshchilov and Hutter 2019; m₀ = v₀ = 0, t = 1, 2, ... counts the steps).
/// </summary>
public sealed class AdamW : IAdjustableOptimizer, IGuardedOptimizer, IStatefulOptimizer
{
    private readonly AdamMoments _moments;

    /// <param name="learningRate">The step size lr; positive and finite. Default 1e-3.</param>
    /// <param name="beta1">β1, the decay of the first-moment average m, in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β2, the decay of the second-moment average v, in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε added to √v̂; positive and finite. Default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0, finite: each step shrinks p by the factor 1 − lr·λ. Default 0.01.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
    {
        LearningRate = learningRate;
        Beta1 = OptimizerArguments.ValidDecayRate(beta1, nameof(beta1));
        Beta2 = OptimizerArguments.ValidDecayRate(beta2, nameof(beta2));
        Epsilon = OptimizerArguments.ValidPositive(epsilon, nameof(epsilon));
        WeightDecay = OptimizerArguments.ValidNonNegative(weightDecay, nameof(weightDecay));
        _moments = new AdamMoments(beta1, beta2, epsilon);
    }

    /// <summary>The step size lr; positive and finite.</summary>
    public float LearningRate
    {
        get;
        set => field = OptimizerArguments.ValidLearningRate(value);
    }

    /// <summary>β1, the decay of the first-moment average.</summary>
    public float Beta1 { get; }

    /// <summary>β2, the decay of the second-moment average.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Epsilon { get; }

    /// <summary>The decoupled weight decay λ: each step multiplies p by 1 − lr·λ.</summary>
    public float WeightDecay { get; }

    /// <summary>t, the Steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.Steps;

    /// <summary>
    /// t ← t + 1;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
    /// p ← p·(1 − lr·λ) − lr·m̂ / (√v̂ + ε) with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t).
    /// m and v are allocated by the first Step, for its length, and belong to the parameters of that Step: when a
    /// <see cref="Trainer"/> took it, to that network's parameter buffer (another buffer throws), otherwise to their length.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the spans overlap, or the parameters are not as long as those of the first Step, or are not
    /// the network's Parameters when a Trainer bound m and v to them. Nothing is written then.
    /// </exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters) =>
        _moments.Step(gradients, LearningRate, coupledDecay: 0, DecoupledFactor, parameters);

    /// <summary>Zeroes m, v and t and releases them; the next Step starts as a new optimizer's would, on any parameters.</summary>
    public void Reset() => _moments.Reset();

    /// <inheritdoc/>
    public OptimizerSnapshot SaveState() => _moments.Export(nameof(AdamW));

    /// <inheritdoc/>
    public void LoadState(OptimizerSnapshot snapshot) => _moments.Import(snapshot, nameof(AdamW));

    bool IGuardedOptimizer.StateFinite => _moments.Finite;

    /// <summary>1 − lr·λ, the factor each step multiplies p by.</summary>
    private float DecoupledFactor => (float)(1 - ((double)LearningRate * WeightDecay));

    void IGuardedOptimizer.Bind(PinnedFloats parameters) => _moments.Bind(parameters);

    bool IGuardedOptimizer.Bounded(double maxGradient, double maxParameter) =>
        _moments.Bounded(maxGradient, maxParameter, LearningRate, coupledDecay: 0, DecoupledFactor);

    float IGuardedOptimizer.Update(ReadOnlySpan<float> gradients, Span<float> parameters) =>
        _moments.Update(gradients, LearningRate, coupledDecay: 0, DecoupledFactor, parameters);

    float IGuardedOptimizer.Update<TPass>(ref TPass pass) => _moments.Update(ref pass, LearningRate, coupledDecay: 0, DecoupledFactor);

    void IGuardedOptimizer.SaveState() => _moments.Save();

    void IGuardedOptimizer.RestoreState() => _moments.Restore();
}
