// The training loop over a Dataset (Keras' fit): epochs of seeded reshuffles, batches gathered into two
// buffers allocated once per fit (so an epoch allocates nothing per step), running training metrics read
// off the outputs each step already computed, validation after every epoch, a learning-rate schedule,
// early stopping with the best parameters restored, IProgress reports and cancellation between steps
// (the parameters are always those after the last whole step). NaN policy: Fit scans its datasets once
// and refuses a non-finite feature or target, or a negative target with CrossEntropy, up front; a step that
// still diverges throws TrainingDivergedException with the parameters from before it (the best epoch's,
// with RestoreBestWeights). Sample and class weights (Trainer.Weights.cs): each batch's loss is their weighted mean,
// the epoch's loss the weighted mean over its batches; a batch whose weights are all 0 takes no step.
using System.Diagnostics;
using System.Numerics.Tensors;

namespace FastMlp;

public sealed unsafe partial class Trainer
{
    // Warm start (a second Fit on the same trainer): the rate a scheduled fit started from and the rate it left on the
    // optimizer. A later scheduled fit that finds that rate still there starts its schedule again from the first one, so
    // decay does not compound across fits; a rate the caller set in between is taken as the new starting rate.
    private float _configuredRate = float.NaN, _rateLeftByFit = float.NaN;

    // Multi-label (BinaryCrossEntropy) metrics: right answers per label [OutputSize], made on the first pass that
    // measures and reused by every later one (one pass at a time holds the workspace, so one array serves them all).
    private long[]? _labelsRight;

    /// <summary>Trains on <paramref name="training"/> as <paramref name="options"/> say and returns the per-epoch history.</summary>
    /// <remarks>
    /// Allocates, per call, a fixed amount that depends on neither the epochs run nor the steps (the shuffle order,
    /// two batch buffers, a copy of the parameters when early stopping restores the best ones, the history list at
    /// its full capacity of <see cref="FitOptions.Epochs"/>, the result, the two halves of a ValidationSplit, and with
    /// <see cref="FitOptions.DropoutRates"/> other than the trainer's, the layers' saved outputs for the fit), and
    /// per epoch one <see cref="EpochReport"/> and, when the fit is multi-label (Loss.BinaryCrossEntropy), the
    /// <see cref="EpochMetrics.LabelAccuracies"/> list of its training metrics and of its validation metrics; nothing
    /// per step or per validation pass. A multi-label trainer's first fit or evaluation also makes its per-label
    /// counters (one long per output), which every later pass reuses.
    /// </remarks>
    /// <exception cref="ArgumentException">The data does not fit the network, holds a NaN or infinite value or, with CrossEntropy, a negative target; or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the parameters are those after the last whole step.</exception>
    /// <exception cref="TrainingDivergedException">A step's loss or gradient was not finite; the parameters are those before it, or the best epoch's with early stopping and RestoreBestWeights.</exception>
    /// <exception cref="InvalidOperationException">
    /// A Step or another Fit is running on this trainer. While a Fit runs, Step and the setters of the trainer's options
    /// (clipping, dropout) throw this, from another thread or from the fit's own Progress; Evaluate may run between its steps.
    /// </exception>
    public FitResult Fit(Dataset training, FitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        ValidateFitOptions(training, options);

        float[]? fitRates = options.DropoutRates is null ? null : ValidDropoutRates(options.DropoutRates, nameof(options));

        // The fit holds the trainer (Step and the option setters throw until it returns), and its clipping and dropout
        // options stand in for the trainer's own: its dropout masks come from its own stream, seeded by FitOptions.Seed.
        // Afterwards, also when it throws, the trainer's own options, layer state and stream are back as they were.
        if (Interlocked.CompareExchange(ref _fitting, 1, 0) != 0)
        {
            ThrowHelper.ThrowInvalidOperation("A Fit is already running on this trainer.");
        }

        TrainerState saved = SaveState();
        try
        {
            _workspace.Enter();   // a Step in flight on another thread: InvalidOperationException, nothing changed
            try
            {
                ApplyLayers(fitRates ?? _dropoutRates, options.Seed, 0);
            }
            finally
            {
                _workspace.Exit();
            }

            (_clipValue, _clipNorm) = (options.ClipGradientValue ?? _clipValue, options.ClipGradientNorm ?? _clipNorm);
            return FitValidated(training, options, cancellationToken);
        }
        finally
        {
            RestoreState(saved);
            Volatile.Write(ref _fitting, 0);
        }
    }

    /// <summary>Fit on arguments already checked.</summary>
    private FitResult FitValidated(Dataset training, FitOptions options, CancellationToken cancellationToken)
    {
        Dataset? validation = options.Validation;
        if (options.ValidationSplit > 0)
        {
            int held = (int)Math.Round(training.Count * options.ValidationSplit);
            validation = training.Slice(training.Count - held, held);
            training = training.Slice(0, training.Count - held);
        }

        var adjustable = Optimizer as IAdjustableOptimizer;
        float initialRate = adjustable?.LearningRate ?? float.NaN;
        if (options.LearningRateSchedule is not null && initialRate == _rateLeftByFit)
        {
            initialRate = _configuredRate;   // warm start: the schedule restarts from the rate before the last scheduled fit
        }

        var order = new int[training.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        ReadOnlySpan<float> weights = TrainingWeights(training, validation, options);
        var random = new Random(options.Seed);
        var batchInputs = new float[options.BatchSize * Network.InputSize];
        var batchTargets = new float[options.BatchSize * Network.OutputSize];
        float[]? batchWeights = weights.IsEmpty ? null : new float[options.BatchSize];
        float[]? best = options.EarlyStoppingPatience > 0 && options.RestoreBestWeights ? new float[Network.Parameters.Length] : null;
        var history = new List<EpochReport>(options.Epochs);
        float monitored = float.NaN, bestLoss = float.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        bool stoppedEarly = false;
        long start = Stopwatch.GetTimestamp();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (options.LearningRateSchedule is { } schedule)
            {
                adjustable!.LearningRate = schedule.RateFor(epoch, initialRate, monitored);
                (_configuredRate, _rateLeftByFit) = (initialRate, adjustable.LearningRate);   // also when the fit ends by an exception
            }

            if (options.Shuffle)
            {
                random.Shuffle(order);
            }

            long epochStart = Stopwatch.GetTimestamp();
            EpochMetrics trained;
            try
            {
                trained = TrainEpoch(training, weights, order, options.BatchSize, batchInputs, batchTargets, batchWeights, cancellationToken);
            }
            catch (TrainingDivergedException) when (best is not null && bestEpoch > 0)
            {
                // The diverging step wrote nothing; hand back the best epoch's parameters, as at a normal end.
                best.CopyTo(Network.Parameters);
                throw;
            }

            double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
            EpochMetrics? validated = validation is null ? null : EvaluateValidated(validation);
            monitored = validated?.Loss ?? trained.Loss;
            var report = new EpochReport(epoch + 1, options.Epochs, adjustable?.LearningRate ?? float.NaN, trained, validated, training.Count / seconds, Stopwatch.GetElapsedTime(start));
            history.Add(report);
            options.Progress?.Report(report);

            if (monitored < bestLoss)
            {
                bestLoss = monitored;
                bestEpoch = epoch + 1;
                sinceBest = 0;
                if (best is not null)
                {
                    Network.Parameters.CopyTo(best);
                }
            }
            else if (options.EarlyStoppingPatience > 0 && ++sinceBest >= options.EarlyStoppingPatience)
            {
                stoppedEarly = epoch + 1 < options.Epochs;
                break;
            }
        }

        if (best is not null && bestEpoch > 0)
        {
            best.CopyTo(Network.Parameters);
        }

        return new FitResult(history, bestEpoch, stoppedEarly);
    }

    /// <summary>
    /// Loss and accuracy (classification) or mean absolute error (regression) of the network on <paramref name="data"/>;
    /// the loss is the weighted mean Σ w·ℓ / Σ w when the data carries sample weights (the other metrics are not weighted);
    /// with Loss.BinaryCrossEntropy also the multi-label figures (<see cref="EpochMetrics.LabelAccuracy"/>,
    /// <see cref="EpochMetrics.ExactMatchAccuracy"/>, <see cref="EpochMetrics.LabelAccuracies"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The data's feature or target count does not match the network, or the data holds a NaN or infinite value or, with CrossEntropy, a negative target, or weights that are all 0.</exception>
    public EpochMetrics Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ValidateShape(data, nameof(data));
        return EvaluateValidated(data);
    }

    /// <summary>Evaluate on data whose shape and values were already checked (Fit checks its validation set once, not every epoch).</summary>
    private EpochMetrics EvaluateValidated(Dataset data)
    {
        ParameterLayout layout = Network.Layout;
        int last = layout.Layers - 1, n = Network.OutputSize;
        _workspace.Enter();
        try
        {
            var metrics = new Metrics(LabelCounters());
            fixed (float* features = data.Features, targets = data.Targets, w = data.Weights)
            {
                for (int first = 0; first < data.Count; first += MaxBatch)
                {
                    int rows = Math.Min(MaxBatch, data.Count - first);
                    float* y = _workspace.Activation(last), t = targets + ((long)first * n);
                    Network.Forward(features + ((long)first * Network.InputSize), rows, _workspace, y);
                    BatchWeights weights = w == null ? BatchWeights.Equal(rows) : BatchWeights.Of(w + first, rows);
                    float loss = weights.Sum > 0 ? LossFunctions.Evaluate(Loss, Network.OutputActivation, y, t, rows, n, _workspace.Delta(0), weights) : 0;
                    metrics.Add(loss, y, t, rows, n, data.IsClassification ? data.Labels.Slice(first, rows) : default, default, weights.Sum);
                }
            }

            return metrics.Result(data.IsClassification, n);
        }
        finally
        {
            _workspace.Exit();
        }
    }

    /// <summary>The per-label counters for a pass that holds the workspace (its Result too reads them before Exit); null unless the trainer is multi-label.</summary>
    private long[]? LabelCounters() => Loss == Loss.BinaryCrossEntropy ? _labelsRight ??= new long[Network.OutputSize] : null;

    /// <summary>
    /// One pass over <paramref name="data"/> in the given order, each sample weighing <paramref name="weights"/>[sample]
    /// (empty: the plain mean) gathered into <paramref name="batchWeights"/>; allocates nothing but, multi-label, the
    /// per-label list of its result. Holds the workspace for the
    /// whole epoch (the metrics read each step's outputs from it), and checks between steps for a Dispose that
    /// came meanwhile, as it checks for cancellation.
    /// </summary>
    internal EpochMetrics TrainEpoch(Dataset data, ReadOnlySpan<float> weights, int[] order, int batchSize, float[] batchInputs, float[] batchTargets, float[]? batchWeights, CancellationToken cancellationToken)
    {
        int inputs = Network.InputSize, n = Network.OutputSize, last = Network.Layout.Layers - 1;
        ReadOnlySpan<float> features = data.Features, targets = data.Targets;
        ReadOnlySpan<int> labels = data.Labels;
        _workspace.Enter();
        try
        {
            var metrics = new Metrics(LabelCounters());
            for (int first = 0; first < order.Length; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_workspace.IsDisposeRequested, this);
                int rows = Math.Min(batchSize, order.Length - first);
                for (int r = 0; r < rows; r++)
                {
                    int sample = order[first + r];
                    features.Slice(sample * inputs, inputs).CopyTo(batchInputs.AsSpan(r * inputs));
                    targets.Slice(sample * n, n).CopyTo(batchTargets.AsSpan(r * n));
                    if (batchWeights is not null)
                    {
                        batchWeights[r] = weights[sample];
                    }
                }

                float loss = StepGathered(batchInputs, batchTargets, batchWeights, rows, out double lossWeight);
                fixed (float* t = batchTargets)
                {
                    metrics.Add(loss, _workspace.Activation(last), t, rows, n, labels, order.AsSpan(first, rows), lossWeight);
                }
            }

            return metrics.Result(data.IsClassification, n);
        }
        finally
        {
            _workspace.Exit();
        }
    }

    private void ValidateFitOptions(Dataset training, FitOptions options)
    {
        ValidateShape(training, nameof(training));
        if (options.Epochs < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.Epochs, $"Epochs is {options.Epochs}; at least 1.");
        }

        if (options.BatchSize < 1 || options.BatchSize > MaxBatch)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.BatchSize, $"BatchSize is {options.BatchSize}; it must be in [1, {MaxBatch}], the trainer's MaxBatch.");
        }

        if (!(options.ValidationSplit >= 0 && options.ValidationSplit < 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.ValidationSplit, $"ValidationSplit is {options.ValidationSplit}; it must be in [0, 1).");
        }

        if (options.ValidationSplit > 0 && options.Validation is not null)
        {
            ThrowHelper.ThrowArgument(nameof(options), "Give either a Validation set or a ValidationSplit, not both.");
        }

        int held = (int)Math.Round(training.Count * options.ValidationSplit);
        if (training.Count - held < 1 || (options.ValidationSplit > 0 && held < 1))
        {
            ThrowHelper.ThrowArgument(nameof(training), $"{training.Count} samples with ValidationSplit {options.ValidationSplit} leave {training.Count - held} to train on and {held} to validate; each needs at least 1.");
        }

        if (options.Validation is { } validation)
        {
            ValidateShape(validation, nameof(options));
        }

        if (options.LearningRateSchedule is not null && Optimizer is not IAdjustableOptimizer)
        {
            ThrowHelper.ThrowArgument(nameof(options), $"A LearningRateSchedule needs an IAdjustableOptimizer; {Optimizer.GetType().Name} is not one.");
        }

        ValidateClassWeights(options.ClassWeights);
        ValidClip(options.ClipGradientValue, nameof(options.ClipGradientValue));
        ValidClip(options.ClipGradientNorm, nameof(options.ClipGradientNorm));
        if (options.EarlyStoppingPatience < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.EarlyStoppingPatience, $"EarlyStoppingPatience is {options.EarlyStoppingPatience}; at least 0 (0 never stops early).");
        }
    }

    private void ValidateShape(Dataset data, string name)
    {
        RequireFinite(data.Features, data.FeatureCount, name, "feature");
        RequireFinite(data.Targets, data.TargetCount, name, "target");
        if (Loss == Loss.CrossEntropy)
        {
            RequireNonNegative(data.Targets, data.TargetCount, name);
        }
        else if (Loss == Loss.BinaryCrossEntropy)
        {
            RequireUnit(data.Targets, data.TargetCount, name);
        }

        if (data.IsWeighted)
        {
            SampleWeights.Validate(data.Weights, name, needsPositive: true);
        }

        if (data.FeatureCount != Network.InputSize || data.TargetCount != Network.OutputSize)
        {
            ThrowHelper.ThrowArgument(name, $"The dataset has {data.FeatureCount} features and {data.TargetCount} targets per sample; the network takes {Network.InputSize} inputs and gives {Network.OutputSize} outputs.");
        }

        if (data.Count == 0)
        {
            ThrowHelper.ThrowArgument(name, "The dataset is empty.");
        }
    }

    /// <summary>Throws naming the first sample that holds a NaN or infinite value (one vectorized pass when none does).</summary>
    private static void RequireFinite(ReadOnlySpan<float> values, int perSample, string name, string what)
    {
        if (values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values)))
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                ThrowHelper.ThrowArgument(name, $"Sample {i / perSample} has a {what} that is {values[i]} (value {i % perSample}); datasets must be finite.");
            }
        }
    }

    /// <summary>Throws naming the first sample with a negative target (CrossEntropy's domain; one vectorized pass when none is).</summary>
    private static void RequireNonNegative(ReadOnlySpan<float> targets, int perSample, string name)
    {
        if (targets.IsEmpty || TensorPrimitives.Min(targets) >= 0)
        {
            return;
        }

        int i = targets.IndexOfAnyInRange(float.NegativeInfinity, -float.Epsilon);
        ThrowHelper.ThrowArgument(name, $"Sample {i / perSample} has a target that is {targets[i]} (value {i % perSample}); CrossEntropy needs non-negative targets.");
    }

    /// <summary>BinaryCrossEntropy's targets: every one in [0, 1] (the targets are finite already).</summary>
    private static void RequireUnit(ReadOnlySpan<float> targets, int perSample, string name)
    {
        if (targets.IsEmpty || (TensorPrimitives.Min(targets) >= 0 && TensorPrimitives.Max(targets) <= 1))
        {
            return;
        }

        int i = targets.IndexOfAnyExceptInRange(0f, 1f);
        ThrowHelper.ThrowArgument(name, $"Sample {i / perSample} has a target that is {targets[i]} (value {i % perSample}); BinaryCrossEntropy needs targets in [0, 1].");
    }
}
