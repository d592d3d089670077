// What Fit and Evaluate report: EpochMetrics over one dataset (a positional record other programs compile against;
// the multi-label figures are init-only additions, and equality compares the per-label list by its elements, not
// by reference), EpochReport per epoch and FitResult per fit.
using System.Text;

namespace FastMlp;

/// <summary>Metrics of a network over one dataset.</summary>
/// <remarks>
/// A trainer with <see cref="FastMlp.Loss.BinaryCrossEntropy"/> (sigmoid outputs, a target in [0, 1] per output) is
/// multi-label: its metrics also carry <see cref="LabelAccuracy"/>, <see cref="ExactMatchAccuracy"/> and
/// <see cref="LabelAccuracies"/>, with every output a label at threshold 0.5: predicted positive when y &gt; 0.5 (as
/// Keras binary_accuracy), positive when its target t ≥ 0.5 (so 0/1 targets count as themselves and soft ones by
/// their side of 0.5), right when the two agree; a NaN output is wrong whatever the target. With any other loss those
/// three are NaN, NaN and null (in metrics the library reports; a <c>default(EpochMetrics)</c> has 0 for both, as
/// every field of a default struct is zero). <see cref="Accuracy"/> and <see cref="MeanAbsoluteError"/> keep their meaning: a
/// multi-label regression set (the usual case) has NaN Accuracy and a mean absolute error; a classification set
/// trained with BinaryCrossEntropy (one-hot targets) has its argmax Accuracy and NaN mean absolute error as well.
/// </remarks>
/// <param name="Loss">The mean loss per sample, as <see cref="FastMlp.Loss"/> defines it.</param>
/// <param name="Accuracy">The fraction of samples whose largest output is their label; NaN for a regression set.</param>
/// <param name="MeanAbsoluteError">The mean of |output − target| over all values; NaN for a classification set.</param>
public readonly record struct EpochMetrics(float Loss, float Accuracy, float MeanAbsoluteError)
{
    /// <summary>
    /// Multi-label: the fraction of (sample, label) pairs that are right, over all N · n of them (Keras
    /// binary_accuracy); NaN unless the loss is BinaryCrossEntropy.
    /// </summary>
    public float LabelAccuracy { get; init; } = float.NaN;

    /// <summary>
    /// Multi-label: the fraction of samples whose every label is right (exact match; scikit-learn's subset accuracy);
    /// NaN unless the loss is BinaryCrossEntropy.
    /// </summary>
    public float ExactMatchAccuracy { get; init; } = float.NaN;

    /// <summary>
    /// Multi-label: per output j, the fraction of samples whose label j is right (read-only, one per output); null
    /// unless the loss is BinaryCrossEntropy. Metrics compare equal when every figure does, this list element by element.
    /// </summary>
    public IReadOnlyList<float>? LabelAccuracies { get; init; }

    /// <summary>Every figure equal (as <see cref="float.Equals(float)"/>: NaN equals NaN), <see cref="LabelAccuracies"/> element by element.</summary>
    public bool Equals(EpochMetrics other) =>
        Loss.Equals(other.Loss) && Accuracy.Equals(other.Accuracy) && MeanAbsoluteError.Equals(other.MeanAbsoluteError)
        && LabelAccuracy.Equals(other.LabelAccuracy) && ExactMatchAccuracy.Equals(other.ExactMatchAccuracy)
        && SameElements(LabelAccuracies, other.LabelAccuracies);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Loss);
        hash.Add(Accuracy);
        hash.Add(MeanAbsoluteError);
        hash.Add(LabelAccuracy);
        hash.Add(ExactMatchAccuracy);
        hash.Add(LabelAccuracies?.Count ?? -1);
        foreach (float a in LabelAccuracies ?? [])
        {
            hash.Add(a);
        }

        return hash.ToHashCode();
    }

    // The record's ToString, with the list's elements instead of its type name.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Loss = {Loss}, Accuracy = {Accuracy}, MeanAbsoluteError = {MeanAbsoluteError}, LabelAccuracy = {LabelAccuracy}, ExactMatchAccuracy = {ExactMatchAccuracy}, LabelAccuracies = ");
        builder.Append(LabelAccuracies is null ? "null" : $"[{string.Join(", ", LabelAccuracies)}]");
        return true;
    }

    private static bool SameElements(IReadOnlyList<float>? a, IReadOnlyList<float>? b)
    {
        if (a is null || b is null)
        {
            return ReferenceEquals(a, b);
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }
}

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
