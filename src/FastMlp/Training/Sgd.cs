namespace FastMlp;

/// <summary>Plain stochastic gradient descent: p ← p − lr · g, in place.</summary>
public sealed class Sgd : IOptimizer
{
    /// <param name="learningRate">The step size lr; positive and finite.</param>
    public Sgd(float learningRate)
    {
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        LearningRate = learningRate;
    }

    /// <summary>The step size.</summary>
    public float LearningRate { get; }

    /// <summary>p ← p − lr · g</summary>
    /// <exception cref="ArgumentException">The lengths differ or the spans overlap.</exception>
    public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        OptimizerArguments.Validate(gradients, parameters);
        Axpy.Run(-LearningRate, gradients, parameters);
    }
}
