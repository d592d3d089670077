namespace FastMlp;

/// <summary>
/// What <see cref="Trainer.Step(ReadOnlySpan{float}, ReadOnlySpan{float})"/> minimizes, over a batch of B samples with n
/// outputs each. With sample weights w (<see cref="Trainer.Step(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// Dataset.WithWeights, FitOptions.ClassWeights) the batch mean (1 / B) Σ_b ℓ_b becomes Σ_b w_b·ℓ_b / Σ_b w_b, with
/// ℓ_b the sample's term below (its 1 / n included for the means over outputs).
/// </summary>
public enum Loss
{
    /// <summary>(1 / (B · n)) Σ (y − t)², as PyTorch MSELoss() and Keras "mse".</summary>
    MeanSquaredError,

    /// <summary>(1 / B) Σ_b ‖y_b − t_b‖²: the squared error of a sample, averaged over the batch.</summary>
    SumSquaredError,

    /// <summary>
    /// −(1 / B) Σ t · ln y with a Softmax output, for non-negative targets (one-hot, soft or unnormalized
    /// rows; a negative target throws ArgumentException). The gradient with respect to the logits is
    /// (P · Σt − T) / B per row, which is (P − T) / B for rows that sum to 1.
    /// Each ln y is taken at no less than the smallest normal float (ln y ≥ −87.3), so a saturated wrong
    /// prediction gives a large finite loss instead of infinity.
    /// </summary>
    CrossEntropy,

    /// <summary>
    /// −(1 / (B · n)) Σ [t · ln y + (1 − t) · ln(1 − y)] with a Sigmoid output, for targets in [0, 1] (multi-label;
    /// PyTorch BCELoss(), the mean over every element). Each log is taken at no less than −100, as PyTorch clamps it,
    /// so a saturated wrong prediction gives a large finite loss. The gradient is fused from the logits,
    /// (Y − T) / (B · n), with no division by y(1 − y), so it stays exact for saturated logits. A target outside
    /// [0, 1] throws ArgumentException.
    /// </summary>
    BinaryCrossEntropy,
}
