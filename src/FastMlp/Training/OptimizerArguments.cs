namespace FastMlp;

/// <summary>The checks optimizers make: hyperparameters at construction, buffers before a Step writes anything.</summary>
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

    /// <summary>Returns <paramref name="value"/> if it is positive and finite (ε); throws naming <paramref name="name"/> otherwise.</summary>
    public static float ValidPositive(float value, string name)
    {
        if (!(value > 0) || !float.IsFinite(value))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, value, $"{name} is {value}; it must be positive and finite.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> if it is finite and ≥ 0 (weight decay); throws naming <paramref name="name"/> otherwise.</summary>
    public static float ValidNonNegative(float value, string name)
    {
        if (!(value >= 0) || !float.IsFinite(value))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, value, $"{name} is {value}; it must be finite and at least 0.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> if it lies in [0, 1) (a decay rate: momentum, β, α); throws naming <paramref name="name"/> otherwise.</summary>
    public static float ValidDecayRate(float value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, value, $"{name} is {value}; it must be in [0, 1).");
        }

        return value;
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

    /// <summary>Throws unless <paramref name="parameters"/> has the length the optimizer's state was built for.</summary>
    public static void ValidateStateLength(int stateLength, Span<float> parameters)
    {
        if (parameters.Length != stateLength)
        {
            ThrowHelper.ThrowArgument(nameof(parameters), $"parameters has {parameters.Length} elements but this optimizer's state was built for {stateLength} by its first Step; call Reset() before stepping another buffer.");
        }
    }
}
