namespace FastMlp;

/// <summary>
/// A training step produced a non-finite loss or gradient, or its update would have made a parameter or a value
/// of the optimizer's state non-finite. The step did not update the parameters: they are those from before it
/// (or, inside <see cref="Trainer.Fit"/> with early stopping and RestoreBestWeights, those of the best epoch so
/// far); nor did it change the state of a built-in optimizer.
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
        UpdateFinite = true;
    }

    private TrainingDivergedException(string message, float loss, bool gradientsFinite)
        : base(message)
    {
        Loss = loss;
        GradientsFinite = gradientsFinite;
        UpdateFinite = !gradientsFinite;   // a refused update (finite gradients), or refused gradients (no update tried)
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
        UpdateFinite = true;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Loss = float.NaN;
        GradientsFinite = true;
        UpdateFinite = true;
    }

    /// <summary>The loss of the step that diverged.</summary>
    public float Loss { get; }

    /// <summary>
    /// Whether the step's gradients were proven finite (false: a layer's input or delta was NaN or infinite, or their
    /// magnitudes allowed a product to overflow).
    /// </summary>
    public bool GradientsFinite { get; }

    /// <summary>
    /// False when the loss and gradients were finite but the update was not: applied, it would have made a parameter,
    /// or a value of the optimizer's state, NaN or infinite.
    /// </summary>
    public bool UpdateFinite { get; }

    /// <summary>The exception for a step whose update was refused, its loss and gradients being finite.</summary>
    /// <param name="stateRestored">Whether the optimizer's state is as before too (false: a custom optimizer, whose state the Trainer cannot see).</param>
    /// <param name="loss">The step's loss; NaN for <see cref="Trainer.ApplyGradients"/>, which has none.</param>
    internal static TrainingDivergedException UpdateRefused(float loss, bool stateRestored)
    {
        string ofLoss = float.IsNaN(loss) ? "" : $" (loss {loss})";
        return new(
            stateRestored
                ? $"Training diverged: the step's update would make a parameter or the optimizer's state NaN or infinite{ofLoss}. Neither was changed. Lower the learning rate, or check the data and the parameters for values too large."
                : $"Training diverged: the step's update made a parameter NaN or infinite{ofLoss}. The parameters were restored; the custom optimizer's own state, if any, is as its Step left it. Lower the learning rate, or check the data and the parameters for values too large.",
            loss,
            gradientsFinite: true);
    }

    /// <summary>The exception for <see cref="Trainer.ApplyGradients"/> given a NaN or infinite gradient.</summary>
    internal static TrainingDivergedException GradientsRefused() => new(
        "Training diverged: the gradients given to ApplyGradients hold a NaN or infinite value. The parameters were not updated.",
        float.NaN,
        gradientsFinite: false);
}
