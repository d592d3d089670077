// What Adam and AdamW share: the moment buffers m and v, the step count t, and the per-step scalars.
// The bias corrections 1 − β^t are computed in double (β^t by Math.Pow, exact enough for any t) and
// folded into stepSize and c2 (see AdamUpdate); t advances only once a Step has passed its checks, so
// a rejected Step changes nothing.
namespace FastMlp;

internal sealed class AdamMoments(float beta1, float beta2, float epsilon)
{
    private readonly OptimizerState _state = new(buffers: 2);

    /// <summary>Steps taken since construction or the last Reset.</summary>
    public long Steps { get; private set; }

    /// <summary>One step; <paramref name="coupledDecay"/> is Adam's λ (or 0), <paramref name="decoupledFactor"/> AdamW's 1 − lr·λ (or 1).</summary>
    public void Step(ReadOnlySpan<float> gradients, float learningRate, float coupledDecay, float decoupledFactor, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        _state.Bind(parameters);
        long t = Steps + 1;
        double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
        var scalars = new AdamScalars(
            beta1, (float)(1.0 - beta1), beta2, (float)(1.0 - beta2), epsilon, coupledDecay, decoupledFactor,
            StepSize: (float)(learningRate / correction1), C2: (float)(1 / Math.Sqrt(correction2)));
        AdamUpdate.Run(gradients, scalars, _state.First, _state.Second, parameters);
        Steps = t;
    }

    public void Reset()
    {
        _state.Reset();
        Steps = 0;
    }
}
