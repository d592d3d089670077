// What Adam and AdamW share: the moment buffers m and v, the step count t, and the per-step scalars.
// The bias corrections 1 − β^t are computed in double (β^t by Math.Pow, exact enough for any t) and
// folded into stepSize and c2 (see AdamRule); t advances only once a Step has passed its checks, so
// a rejected Step changes nothing. The state (m, v and t) belongs to the parameters it was bound to
// (OptimizerState); Bounded is the update guard's proof (IGuardedOptimizer) and Save/Restore its slow path.
namespace FastMlp;

internal sealed class AdamMoments(float beta1, float beta2, float epsilon)
{
    private readonly OptimizerState _state = new(buffers: 2);
    private long _savedSteps;

    /// <summary>Steps taken since construction or the last Reset.</summary>
    public long Steps { get; private set; }

    /// <summary>Whether every m and v is finite.</summary>
    public bool Finite => _state.Finite;

    /// <summary>One step; <paramref name="coupledDecay"/> is Adam's λ (or 0), <paramref name="decoupledFactor"/> AdamW's 1 − lr·λ (or 1).</summary>
    public void Step(ReadOnlySpan<float> gradients, float learningRate, float coupledDecay, float decoupledFactor, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        _state.Bind(parameters);
        var flat = new FlatUpdatePass(gradients, parameters);
        Update(ref flat, learningRate, coupledDecay, decoupledFactor);
    }

    /// <summary>Binds m and v to the network's parameter buffer.</summary>
    public void Bind(PinnedFloats parameters) => _state.Bind(parameters);

    /// <summary>
    /// |g'| ≤ G + λ·P;  |m| ≤ β1·M + (1 − β1)·|g'|;  v ≤ β2·V + (1 − β2)·g'²;  |m / (√v·c2 + ε)| ≤ |m| / ε (the
    /// divisor is at least ε);  |p| ≤ P·|factor| + stepSize·|m| / ε; each below the limit.
    /// </summary>
    public bool Bounded(double maxGradient, double maxParameter, float learningRate, float coupledDecay, float decoupledFactor)
    {
        AdamRule s = Rule(learningRate, coupledDecay, decoupledFactor);
        double g = maxGradient + (coupledDecay * maxParameter);
        double m = (beta1 * (double)_state.FirstMax) + (s.OneMinusBeta1 * g);
        double v = (beta2 * (double)_state.SecondMax) + (s.OneMinusBeta2 * g * g);
        double q = m / epsilon, scaled = maxParameter * Math.Abs(decoupledFactor);
        double p = scaled + (Math.Abs(s.StepSize) * q);
        const double limit = IGuardedOptimizer.Limit;
        return g < limit && m < limit && v < limit && q < limit && scaled < limit && p < limit;
    }

    /// <summary>The step on parameters already checked and bound, over a flat gradient buffer; returns max |p| after it.</summary>
    public float Update(ReadOnlySpan<float> gradients, float learningRate, float coupledDecay, float decoupledFactor, Span<float> parameters)
    {
        var flat = new FlatUpdatePass(gradients, parameters);
        return Update(ref flat, learningRate, coupledDecay, decoupledFactor);
    }

    /// <summary>The step on parameters already checked and bound, through the pass; returns max |p| after it.</summary>
    public float Update<TPass>(ref TPass pass, float learningRate, float coupledDecay, float decoupledFactor)
        where TPass : struct, IUpdatePass, allows ref struct
    {
        UpdateMagnitudes written = pass.Run(Rule(learningRate, coupledDecay, decoupledFactor), _state.First, _state.Second);
        _state.Record(written);
        Steps++;
        return written.Parameters;
    }

    public void Save()
    {
        _state.Save();
        _savedSteps = Steps;
    }

    public void Restore()
    {
        _state.Restore();
        Steps = _savedSteps;
    }

    /// <summary>m, v and t copied out, for the optimizer named <paramref name="kind"/>.</summary>
    public OptimizerSnapshot Export(string kind) => new(kind, Steps, _state.Export());

    /// <summary>m, v and t copied in (OptimizerState.Import); t is 0 when the snapshot has no buffers.</summary>
    public void Import(OptimizerSnapshot snapshot, string kind)
    {
        _state.Import(snapshot, kind, kept: 2);
        Steps = snapshot.Buffers.Count == 0 ? 0 : snapshot.Steps;
    }

    public void Reset()
    {
        _state.Reset();
        Steps = 0;
    }

    /// <summary>The rule of step t = Steps + 1.</summary>
    private AdamRule Rule(float learningRate, float coupledDecay, float decoupledFactor)
    {
        long t = Steps + 1;
        double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
        return new AdamRule(
            beta1, (float)(1.0 - beta1), beta2, (float)(1.0 - beta2), epsilon, coupledDecay, decoupledFactor,
            StepSize: (float)(learningRate / correction1), C2: (float)(1 / Math.Sqrt(correction2)));
    }
}
