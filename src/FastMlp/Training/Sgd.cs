namespace FastMlp;

/// <summary>Plain stochastic gradient descent: p ← p − lr · g, in place.</summary>
public sealed class Sgd : IAdjustableOptimizer
{
    /// <param name="learningRate">The step size lr; positive and finite.</param>
    public Sgd(float learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>The step size lr; positive and finite.</summary>
    public float LearningRate
    {
        get;
        set => field = OptimizerArguments.ValidLearningRate(value);
    }

    /// <summary>p ← p − lr · g</summary>
    /// <exception cref="ArgumentException">The lengths differ or the spans overlap.</exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        Axpy.Run(-LearningRate, gradients, parameters);
    }
}
