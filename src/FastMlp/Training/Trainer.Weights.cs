// Sample and class weights at the Trainer's boundary (issue 14; the arithmetic is in SampleWeights.cs):
//   Step(inputs, targets, weights)  the weighted batch mean Σ w_r·ℓ_r / Σ w_r and its gradient (dZ row r carries
//                                   w_r / Σw); all weights equal is the unweighted Step, bit for bit
//   Fit                             sample r of the training set weighs w_r = s_r · c(t_r): its dataset weight s_r
//                                   (Dataset.WithWeights, else 1) times its class weight c(t) = Σ_j c_j·t_j / Σ_j t_j
//                                   (FitOptions.ClassWeights, CrossEntropy only; c_y for a one-hot row of class y),
//                                   computed once per fit in double and rounded to float once; batches gather them with
//                                   the shuffled order. A batch whose weights are all 0 has nothing to descend: it takes
//                                   no step (no update, no optimizer state change), its rows still count in the accuracy.
//                                   The reported loss is the weighted mean (as Keras reports it); accuracy and the
//                                   absolute error are not weighted. Validation: the validation set's own weights.
// Every path honours them without a branch of its own: the weights enter only through the loss's dZ, and the tiny
// path, the fused update (its prior bound reads the exact max |dZ|), clipping and the divergence guard all start
// from that dZ.
namespace FastMlp;

public sealed unsafe partial class Trainer
{
    /// <summary>
    /// One forward pass, backward pass and optimizer step over the batch, each sample weighing its weight: the loss is
    /// Σ w_r·ℓ_r / Σ w_r, ℓ_r the sample's loss as <see cref="FastMlp.Loss"/> defines it per sample (MeanSquaredError:
    /// the mean over its outputs; SumSquaredError: the sum; CrossEntropy: −Σ t·ln y; BinaryCrossEntropy: the mean over
    /// its outputs), and the gradients are those of that loss (for CrossEntropy with one-hot targets and w_r = c_{y_r},
    /// PyTorch's CrossEntropyLoss(weight = c)). A sample of weight 0 has no influence. All weights equal: exactly
    /// <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, bit for bit. Returns the weighted loss before the
    /// update. Allocates nothing.
    /// </summary>
    /// <param name="inputs">[batch, InputSize] row-major.</param>
    /// <param name="targets">[batch, OutputSize], as for the unweighted Step.</param>
    /// <param name="weights">[batch]: finite, non-negative, at least one positive.</param>
    /// <exception cref="ArgumentException">
    /// As for the unweighted Step; or weights is not [batch], holds a negative, NaN or infinite weight (named with its
    /// sample and value), or is all 0. Nothing is written.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="TrainingDivergedException">As for the unweighted Step (a NaN input diverges even in a sample of weight 0).</exception>
    /// <exception cref="InvalidOperationException">As for the unweighted Step.</exception>
    public float Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        int batch = ValidateStep(inputs, targets);
        if (weights.Length != batch)
        {
            ThrowHelper.ThrowArgument(nameof(weights), $"weights has {weights.Length} elements but the batch has {batch} samples; give one weight per sample.");
        }

        SampleWeights.Validate(weights, nameof(weights), needsPositive: true);
        EnterOutsideFit();
        try
        {
            fixed (float* w = weights)
            {
                return StepEntered(inputs, targets, batch, BatchWeights.Of(w, batch));
            }
        }
        finally
        {
            _workspace.Exit();
        }
    }

    /// <summary>
    /// One step of Fit on the gathered batch (weights null: unweighted), by a caller that holds the workspace; a batch
    /// whose weights are all 0 only runs forward (for the accuracy) and returns 0. <paramref name="lossWeight"/> is how
    /// much the returned loss counts in the epoch's mean: Σw (the rows, unweighted).
    /// </summary>
    private float StepGathered(float[] inputs, float[] targets, float[]? weights, int rows, out double lossWeight)
    {
        fixed (float* x = inputs, t = targets, w = weights)
        {
            BatchWeights batch = w == null ? BatchWeights.Equal(rows) : BatchWeights.Of(w, rows);
            lossWeight = batch.Sum;
            if (batch.Sum > 0)
            {
                return Run(x, t, rows, batch);
            }

            Network.Forward(x, rows, _workspace, _workspace.Activation(Network.Layout.Layers - 1));
            return 0;
        }
    }

    /// <summary>FitOptions.ClassWeights: CrossEntropy only, one per output, finite, non-negative, not all 0.</summary>
    private void ValidateClassWeights(IReadOnlyList<float>? classWeights)
    {
        if (classWeights is null)
        {
            return;
        }

        if (Loss != Loss.CrossEntropy)
        {
            ThrowHelper.ThrowArgument("options", $"ClassWeights need Loss.CrossEntropy, where each sample has a class; this trainer minimizes {Loss}. Weigh its samples with Dataset.WithWeights instead.");
        }

        if (classWeights.Count != Network.OutputSize)
        {
            ThrowHelper.ThrowArgument("options", $"ClassWeights has {classWeights.Count} values but the network has {Network.OutputSize} outputs; give one weight per class.");
        }

        float[] copy = [.. classWeights];
        SampleWeights.Validate(copy, "options", needsPositive: true);
    }

    /// <summary>
    /// The weight of each training sample for this fit (empty: unweighted): the dataset's own, or with class weights
    /// s_r · c(t_r), computed here (one array per fit). Throws, before anything is trained, when the weights of the
    /// training part or of a split-off validation part are all 0, or a row with class weights has no target mass.
    /// </summary>
    private static ReadOnlySpan<float> TrainingWeights(Dataset training, Dataset? validation, FitOptions options)
    {
        if (validation is { IsWeighted: true })
        {
            SampleWeights.Validate(validation.Weights, "options", needsPositive: true);
        }

        if (options.ClassWeights is not { } classWeights)
        {
            if (training.IsWeighted)
            {
                SampleWeights.Validate(training.Weights, nameof(training), needsPositive: true);
            }

            return training.Weights;
        }

        int n = training.TargetCount;
        ReadOnlySpan<float> targets = training.Targets, own = training.Weights;
        var weights = new float[training.Count];
        for (int r = 0; r < weights.Length; r++)
        {
            double weighted = 0, mass = 0;
            for (int j = 0; j < n; j++)
            {
                float tj = targets[(r * n) + j];
                weighted += (double)classWeights[j] * tj;
                mass += tj;
            }

            if (mass == 0)
            {
                ThrowHelper.ThrowArgument(nameof(training), $"Sample {r}'s targets sum to 0: it has no class for ClassWeights to weigh.");
            }

            weights[r] = (float)((own.IsEmpty ? 1 : own[r]) * weighted / mass);
        }

        SampleWeights.Validate(weights, nameof(training), needsPositive: true);
        return weights;
    }
}
