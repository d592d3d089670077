namespace FastMlp;

/// <summary>
/// A training step produced a non-finite loss or gradient. The step did not update the parameters: they
/// are those from before it (or, inside <see cref="Trainer.Fit"/> with early stopping and RestoreBestWeights,
/// those of the best epoch so far).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a step whose loss is <paramref name="loss"/>.</summary>
    /// <param name="loss">The step's loss (possibly NaN or infinite).</param>
    /// <param name="gradientsFinite">Whether every gradient was finite.</param>
    public TrainingDivergedException(float loss, bool gradientsFinite)
        : base(gradientsFinite
            ? $"Training diverged: the step's loss is {loss}. The parameters were not updated. Lower the learning rate, or check the data for NaN or infinite values."
            : $"Training diverged: the step's gradients are NaN or infinite, or too large to be sure they are not (loss {loss}). The parameters were not updated. Lower the learning rate, or check the data for NaN or infinite values.")
    {
        Loss = loss;
        GradientsFinite = gradientsFinite;
    }

    /// <summary>Creates the exception with a message of your own (for tests and wrappers).</summary>
    public TrainingDivergedException()
        : this(float.NaN, gradientsFinite: true)
    {
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
        Loss = float.NaN;
        GradientsFinite = true;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Loss = float.NaN;
        GradientsFinite = true;
    }

    /// <summary>The loss of the step that diverged.</summary>
    public float Loss { get; }

    /// <summary>
    /// Whether the step's gradients were proven finite (false: a layer's input or delta was NaN or infinite, or their
    /// magnitudes allowed a product to overflow).
    /// </summary>
    public bool GradientsFinite { get; }
}
