namespace FastMlp;

/// <summary>Metrics of a network over one dataset.</summary>
/// <param name="Loss">The mean loss per sample, as <see cref="FastMlp.Loss"/> defines it.</param>
/// <param name="Accuracy">The fraction of samples whose largest output is their label; NaN for a regression set.</param>
/// <param name="MeanAbsoluteError">The mean of |output − target| over all values; NaN for a classification set.</param>
public readonly record struct EpochMetrics(float Loss, float Accuracy, float MeanAbsoluteError);

/// <summary>What one epoch of <see cref="Trainer.Fit"/> did.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Epochs">The epochs asked for.</param>
/// <param name="LearningRate">The learning rate used (NaN when the optimizer has none to report).</param>
/// <param name="Training">Running metrics over the epoch's training steps (each batch before its update).</param>
/// <param name="Validation">Metrics on the validation set after the epoch; null without one.</param>
/// <param name="SamplesPerSecond">Training samples per second of the epoch's steps.</param>
/// <param name="Elapsed">Time since the fit started.</param>
public sealed record EpochReport(
    int Epoch, int Epochs, float LearningRate, EpochMetrics Training, EpochMetrics? Validation, double SamplesPerSecond, TimeSpan Elapsed);

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="History">One report per epoch run.</param>
/// <param name="BestEpoch">The epoch (from 1) with the lowest monitored loss; 0 if no epoch had a finite one.</param>
/// <param name="StoppedEarly">Whether early stopping ended the fit before the last epoch.</param>
public sealed record FitResult(IReadOnlyList<EpochReport> History, int BestEpoch, bool StoppedEarly);
