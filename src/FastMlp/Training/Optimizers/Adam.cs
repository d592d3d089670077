// Adam: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015 (Algorithm 1, with its
// bias corrections), with L2 weight decay added to the gradient and the defaults of PyTorch's torch.optim.Adam.
namespace FastMlp;

/// <summary>
/// g' = g + λ·p;  m ← β1·m + (1 − β1)·g';  v ← β2·v + (1 − β2)·g'²;  m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);
/// p ← p − lr·m̂ / (√v̂ + ε)   (Kingma and Ba 2015; m₀ = v₀ = 0, t = 1, 2, ... counts the steps).
/// </summary>
public sealed class Adam : IAdjustableOptimizer, IGuardedOptimizer, IStatefulOptimizer
{
    private readonly AdamMoments _moments;

    /// <param name="learningRate">The step size lr; positive and finite. Default 1e-3.</param>
    /// <param name="beta1">β1, the decay of the first-moment average m, in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β2, the decay of the second-moment average v, in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε added to √v̂; positive and finite. Default 1e-8.</param>
    /// <param name="weightDecay">λ ≥ 0, finite: the L2 penalty, λ·p added to the gradient. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0)
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

    /// <summary>The L2 weight decay λ added to the gradient as λ·p.</summary>
    public float WeightDecay { get; }

    /// <summary>t, the Steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.Steps;

    /// <summary>
    /// t ← t + 1;  g' = g + λ·p;  m ← β1·m + (1 − β1)·g';  v ← β2·v + (1 − β2)·g'²;
    /// p ← p − lr·m̂ / (√v̂ + ε) with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t).
    /// m and v are allocated by the first Step, for its length, and belong to the parameters of that Step: when a
    /// <see cref="Trainer"/> took it, to that network's parameter buffer (another buffer throws), otherwise to their length.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the spans overlap, or the parameters are not as long as those of the first Step, or are not
    /// the network's Parameters when a Trainer bound m and v to them. Nothing is written then.
    /// </exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters) =>
        _moments.Step(gradients, LearningRate, WeightDecay, decoupledFactor: 1, parameters);

    /// <summary>Zeroes m, v and t and releases them; the next Step starts as a new optimizer's would, on any parameters.</summary>
    public void Reset() => _moments.Reset();

    /// <inheritdoc/>
    public OptimizerSnapshot SaveState() => _moments.Export(nameof(Adam));

    /// <inheritdoc/>
    public void LoadState(OptimizerSnapshot snapshot) => _moments.Import(snapshot, nameof(Adam));

    bool IGuardedOptimizer.StateFinite => _moments.Finite;

    void IGuardedOptimizer.Bind(PinnedFloats parameters) => _moments.Bind(parameters);

    bool IGuardedOptimizer.Bounded(double maxGradient, double maxParameter) =>
        _moments.Bounded(maxGradient, maxParameter, LearningRate, WeightDecay, decoupledFactor: 1);

    float IGuardedOptimizer.Update(ReadOnlySpan<float> gradients, Span<float> parameters) =>
        _moments.Update(gradients, LearningRate, WeightDecay, decoupledFactor: 1, parameters);

    float IGuardedOptimizer.Update<TPass>(ref TPass pass) => _moments.Update(ref pass, LearningRate, WeightDecay, decoupledFactor: 1);

    void IGuardedOptimizer.SaveState() => _moments.Save();

    void IGuardedOptimizer.RestoreState() => _moments.Restore();
}
