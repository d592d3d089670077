// Samples in memory, row-major: features [Count, FeatureCount] and targets [Count, TargetCount]. A
// classification set also keeps each sample's class label; its targets are then the one-hot rows of
// the labels (what Loss.CrossEntropy wants). Either kind may carry one weight per sample (WithWeights: finite,
// ≥ 0, not all 0), which Fit and Evaluate use for the weighted batch mean of the loss (SampleWeights.cs).
// Immutable after construction: training gathers batches from it by index, so one Dataset can feed several
// trainers at once.
namespace FastMlp;

/// <summary>An in-memory set of samples: features, targets, for classification class labels, and optionally sample weights.</summary>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly int[]? _labels;
    private readonly float[]? _weights;

    /// <summary>A regression (or autoencoder) set: any targets.</summary>
    /// <param name="features">[count, featureCount] row-major; the dataset keeps this array (no copy).</param>
    /// <param name="featureCount">Values per sample; at least 1.</param>
    /// <param name="targets">[count, targetCount] row-major, the same count as the features; kept (no copy).</param>
    /// <param name="targetCount">Target values per sample; at least 1.</param>
    public Dataset(float[] features, int featureCount, float[] targets, int targetCount)
        : this(features, featureCount, targets, targetCount, null, null)
    {
    }

    private Dataset(float[] features, int featureCount, float[] targets, int targetCount, int[]? labels, float[]? weights)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        int count = Math.DivRem(features.Length, featureCount, out int rest);
        if (rest != 0)
        {
            ThrowHelper.ThrowArgument(nameof(features), $"features has {features.Length} values, not a whole number of samples of {featureCount}.");
        }

        if ((long)count * targetCount != targets.Length)
        {
            ThrowHelper.ThrowArgument(nameof(targets), $"targets has {targets.Length} values but {count} samples × {targetCount} targets need {(long)count * targetCount}.");
        }

        _features = features;
        _targets = targets;
        _labels = labels;
        _weights = weights;
        Count = count;
        FeatureCount = featureCount;
        TargetCount = targetCount;
    }

    /// <summary>Samples in the set.</summary>
    public int Count { get; }

    /// <summary>Values per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Target values per sample (the class count for a classification set).</summary>
    public int TargetCount { get; }

    /// <summary>Whether the set has class labels (and one-hot targets).</summary>
    public bool IsClassification => _labels is not null;

    /// <summary>[Count, FeatureCount] row-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>[Count, TargetCount] row-major.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>The class of each sample; empty for a regression set.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The weight of each sample in the loss (<see cref="WithWeights"/>); empty when the set has none (every sample weighs 1).</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>Whether the set carries sample weights.</summary>
    internal bool IsWeighted => _weights is not null;

    /// <summary>A classification set: targets are the one-hot rows of <paramref name="labels"/>.</summary>
    /// <param name="features">[labels.Length, featureCount] row-major; kept (no copy).</param>
    /// <param name="featureCount">Values per sample; at least 1.</param>
    /// <param name="labels">The class of each sample, in [0, classCount); kept (no copy).</param>
    /// <param name="classCount">Number of classes; at least 2.</param>
    public static Dataset ForClassification(float[] features, int featureCount, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var targets = new float[(long)labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(labels), labels[i], $"Label {i} is {labels[i]}; labels must be in [0, {classCount}).");
            }

            targets[((long)i * classCount) + labels[i]] = 1f;
        }

        return new Dataset(features, featureCount, targets, classCount, labels, null);
    }

    /// <summary>
    /// The same samples (features, targets and labels shared, not copied) with a weight each: Fit and Evaluate then use
    /// the weighted mean Σ w·ℓ / Σ w of the per-sample losses ℓ, in each batch and over an epoch (accuracy stays
    /// unweighted). Replaces any weights this set had.
    /// </summary>
    /// <param name="weights">One per sample: finite, non-negative, not all 0; kept (no copy).</param>
    /// <exception cref="ArgumentException">weights is not Count long, holds a negative, NaN or infinite value (named with its sample), or is all 0.</exception>
    public Dataset WithWeights(float[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length != Count)
        {
            ThrowHelper.ThrowArgument(nameof(weights), $"weights has {weights.Length} values but the dataset has {Count} samples; give one weight per sample.");
        }

        SampleWeights.Validate(weights, nameof(weights), needsPositive: Count > 0);
        return new Dataset(_features, FeatureCount, _targets, TargetCount, _labels, weights);
    }

    /// <summary>Samples [start, start + count) as a new set (copied, weights too).</summary>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        float[] features = _features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray();
        float[] targets = _targets.AsSpan(start * TargetCount, count * TargetCount).ToArray();
        return new Dataset(features, FeatureCount, targets, TargetCount, _labels?.AsSpan(start, count).ToArray(), _weights?.AsSpan(start, count).ToArray());
    }
}
