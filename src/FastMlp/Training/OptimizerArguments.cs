namespace FastMlp;

/// <summary>The checks every optimizer's Step makes before it writes a parameter.</summary>
internal static class OptimizerArguments
{
    /// <summary>Returns <paramref name="learningRate"/> if it is positive and finite; throws otherwise.</summary>
    public static float ValidLearningRate(float learningRate)
    {
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        return learningRate;
    }

    public static void Validate(ReadOnlySpan<float> gradients, Span<float> parameters)
    {
        if (gradients.Length != parameters.Length)
        {
            ThrowHelper.ThrowArgument(nameof(gradients), $"gradients has {gradients.Length} elements but parameters has {parameters.Length}; they must match.");
        }

        if (gradients.Overlaps(parameters))
        {
            ThrowHelper.ThrowArgument(nameof(gradients), "gradients overlaps parameters; they must be separate buffers.");
        }
    }
}
