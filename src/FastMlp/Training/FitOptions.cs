namespace FastMlp;

/// <summary>How <see cref="Trainer.Fit"/> runs: epochs, batches, shuffling, validation, schedule, early stopping, progress.</summary>
/// <remarks>
/// What a fit measures follows from its data and the trainer's loss: a classification set (<see cref="Dataset.IsClassification"/>)
/// reports argmax <see cref="EpochMetrics.Accuracy"/>, any other set <see cref="EpochMetrics.MeanAbsoluteError"/>; a trainer
/// with <see cref="Loss.BinaryCrossEntropy"/> is multi-label and also reports, for training and validation alike,
/// <see cref="EpochMetrics.LabelAccuracy"/>, <see cref="EpochMetrics.ExactMatchAccuracy"/> and
/// <see cref="EpochMetrics.LabelAccuracies"/> at threshold 0.5 (EpochMetrics says how a label counts as right).
/// </remarks>
public sealed class FitOptions
{
    /// <summary>Passes over the training set; at least 1. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Samples per step, from 1 (per-sample SGD) to the trainer's MaxBatch (the whole set: full-batch
    /// descent). The last batch of an epoch holds the remainder. Default 32.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the per-epoch reshuffling; the same seed gives the same order on every run.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to reshuffle the training set before every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>A separate validation set, evaluated after every epoch.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>
    /// The fraction of the training set, taken from its end before any shuffling, held out for validation
    /// (as Keras' validation_split); 0 (the default) for none. In [0, 1); not together with <see cref="Validation"/>.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Changes the learning rate before every epoch; needs an <see cref="IAdjustableOptimizer"/>. The optimizer keeps
    /// the last epoch's rate after the fit. A later scheduled fit on the same Trainer (a warm start: it continues from
    /// the current weights) starts its schedule again from the rate the earlier one started from, so decay does not
    /// compound across fits; if the optimizer's rate was set in between, from that rate.
    /// </summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// One weight per class (per output), for Loss.CrossEntropy only: a training sample with targets t weighs
    /// c(t) = Σ_j c_j·t_j / Σ_j t_j, which is c_y for a one-hot row of class y, times its own weight
    /// (<see cref="Dataset.Weights"/>, else 1), and each batch's loss is the weighted mean Σ w·ℓ / Σ w: for one-hot
    /// targets, PyTorch's CrossEntropyLoss(weight = c). As Keras' class_weight, they weigh the training loss only; the
    /// validation loss is weighted by the validation set's own sample weights. Finite, non-negative, not all 0; a
    /// training row whose targets sum to 0 has no class and is refused. null (the default): every class weighs 1.
    /// </summary>
    public IReadOnlyList<float>? ClassWeights { get; init; }

    /// <summary>For this fit, the Trainer's <see cref="Trainer.ClipGradientValue"/> (null: the Trainer's own setting); positive and finite.</summary>
    public float? ClipGradientValue { get; init; }

    /// <summary>For this fit, the Trainer's <see cref="Trainer.ClipGradientNorm"/> (null: the Trainer's own setting); positive and finite.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>
    /// For this fit, the Trainer's <see cref="Trainer.DropoutRates"/> (null: the Trainer's own; empty: none): one rate in
    /// [0, 1) per hidden layer. Either way the fit's masks come from <see cref="Seed"/>, so a fit is reproducible.
    /// </summary>
    public IReadOnlyList<float>? DropoutRates { get; init; }

    /// <summary>
    /// Stop after this many epochs in a row without a lower monitored loss (the validation loss, or the
    /// training loss without validation); 0 (the default) never stops early.
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>With early stopping: end with the parameters of the epoch of lowest monitored loss. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Receives one report per finished epoch, on the thread running the fit.</summary>
    public IProgress<EpochReport>? Progress { get; init; }
}
