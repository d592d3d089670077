// Stochastic gradient descent with optional L2 weight decay, momentum and Nesterov momentum, as PyTorch's
// torch.optim.SGD documents it (dampening 0); momentum and Nesterov after Sutskever, Martens, Dahl and
// Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013 (PyTorch's
// reformulation, in which the velocity b carries gradients rather than steps, so lr can change freely).
// The update rules are SgdRules.cs. With momentum 0 and no weight decay the update is one fused
// multiply-add per element (BLAS saxpy), and the optimizer keeps no state (any length, every Step, never bound).
namespace FastMlp;

/// <summary>
/// g' = g + λ·p;  b ← μ·b + g' (b₀ = 0);  p ← p − lr·d,  d = b, or d = g' + μ·b with Nesterov
/// (Sutskever et al. 2013, as PyTorch's SGD). With μ = λ = 0: p ← p − lr·g.
/// </summary>
public sealed class Sgd : IAdjustableOptimizer, IGuardedOptimizer, IStatefulOptimizer
{
    private readonly OptimizerState _velocity = new(buffers: 1);

    /// <summary>Plain SGD, p ← p − lr·g.</summary>
    /// <param name="learningRate">The step size lr; positive and finite.</param>
    public Sgd(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <param name="learningRate">The step size lr; positive and finite.</param>
    /// <param name="momentum">μ in [0, 1); 0 (the default) for none.</param>
    /// <param name="nesterov">Nesterov momentum, d = g' + μ·b; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, finite: the L2 penalty (λ/2)·‖p‖² added to the loss, i.e. λ·p added to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum.</exception>
    public Sgd(float learningRate, float momentum = 0, bool nesterov = false, float weightDecay = 0)
    {
        LearningRate = learningRate;
        Momentum = OptimizerArguments.ValidDecayRate(momentum, nameof(momentum));
        WeightDecay = OptimizerArguments.ValidNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && momentum == 0)
        {
            ThrowHelper.ThrowArgument(nameof(nesterov), "Nesterov momentum needs a momentum above 0; momentum is 0.");
        }

        Nesterov = nesterov;
    }

    /// <summary>The step size lr; positive and finite.</summary>
    public float LearningRate
    {
        get;
        set => field = OptimizerArguments.ValidLearningRate(value);
    }

    /// <summary>The momentum μ in [0, 1); 0 for none.</summary>
    public float Momentum { get; }

    /// <summary>Whether the step is Nesterov's, d = g' + μ·b.</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 weight decay λ added to the gradient as λ·p.</summary>
    public float WeightDecay { get; }

    /// <summary>
    /// g' = g + λ·p;  b ← μ·b + g';  p ← p − lr·d,  d = b (or g' + μ·b with Nesterov); with μ = 0, p ← p − lr·g'.
    /// The velocity b is allocated by the first Step with momentum, for its length, and belongs to the parameters
    /// of that Step: when a <see cref="Trainer"/> took it, to that network's parameter buffer (another buffer
    /// throws), otherwise to their length.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the spans overlap, or (with momentum) the parameters are not as long as those of the first
    /// Step, or are not the network's Parameters when a Trainer bound the velocity to them. Nothing is written then.
    /// </exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        if (Momentum != 0)
        {
            _velocity.Bind(parameters);
        }

        var flat = new FlatUpdatePass(gradients, parameters);
        Update(ref flat);
    }

    /// <summary>Zeroes the velocity and releases it; the next Step starts as a new optimizer's would, on any parameters.</summary>
    public void Reset() => _velocity.Reset();

    /// <inheritdoc/>
    public OptimizerSnapshot SaveState() => new(nameof(Sgd), 0, _velocity.Export());

    /// <inheritdoc/>
    public void LoadState(OptimizerSnapshot snapshot) => _velocity.Import(snapshot, nameof(Sgd), kept: Momentum == 0 ? 0 : 1);

    bool IGuardedOptimizer.StateFinite => _velocity.Finite;

    void IGuardedOptimizer.Bind(PinnedFloats parameters)
    {
        if (Momentum != 0)
        {
            _velocity.Bind(parameters);
        }
    }

    /// <summary>|g'| ≤ G + λ·P;  |b| ≤ μ·B + |g'|;  |d| ≤ |b| (Nesterov: μ·|b| + |g'|);  |p| ≤ P + lr·|d|; each below the limit.</summary>
    bool IGuardedOptimizer.Bounded(double maxGradient, double maxParameter)
    {
        double g = maxGradient + (WeightDecay * maxParameter), d = g;
        if (Momentum != 0)
        {
            double b = (Momentum * (double)_velocity.FirstMax) + g;
            d = Nesterov ? (Momentum * b) + g : b;
        }

        // d ≥ |b| ≥ |g'|, so one test covers the three.
        return d < IGuardedOptimizer.Limit && maxParameter + (LearningRate * d) < IGuardedOptimizer.Limit;
    }

    float IGuardedOptimizer.Update(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        var flat = new FlatUpdatePass(gradients, parameters);
        return Update(ref flat);
    }

    float IGuardedOptimizer.Update<TPass>(ref TPass pass) => Update(ref pass);

    void IGuardedOptimizer.SaveState() => _velocity.Save();

    void IGuardedOptimizer.RestoreState() => _velocity.Restore();

    /// <summary>The step on parameters already checked (and bound, with momentum), through the pass; returns max |p| after it.</summary>
    private float Update<TPass>(ref TPass pass)
        where TPass : struct, IUpdatePass, allows ref struct
    {
        if (Momentum == 0)
        {
            return WeightDecay != 0
                ? pass.Run(new SgdDecayRule(LearningRate, WeightDecay), default, default).Parameters
                : pass.Run(new SgdRule(LearningRate), default, default).Parameters;
        }

        UpdateMagnitudes written = Nesterov
            ? pass.Run(new SgdNesterovRule(LearningRate, Momentum, WeightDecay), _velocity.First, default)
            : pass.Run(new SgdMomentumRule(LearningRate, Momentum, WeightDecay), _velocity.First, default);
        _velocity.Record(written);
        return written.Parameters;
    }
}
