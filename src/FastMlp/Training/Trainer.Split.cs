// The step split in two (issue 17), for data-parallel training, where the optimizer must run on gradients
// averaged over every worker's batch instead of this trainer's own:
//   ComputeGradients   forward, loss and backward as Step runs them (tiny or general path, never the fused
//                      update, which does not write the gradients); Gradients then hold the batch mean.
//                      The guard on the loss and the gradient bound is Step's: a non-finite one throws
//                      TrainingDivergedException, so a diverging worker stops before it contributes.
//   ApplyGradients     the divergence guard on the gradients given (a NaN or infinite one throws, before clipping
//                      could turn ±∞ into ±c), clipping (if set) and the guarded optimizer update of Step, on those
//                      gradients (copied into the trainer's buffer unless they are that buffer).
// Step ≡ ComputeGradients then ApplyGradients(Gradients), bit for bit: the same backward pass, the same
// buffer, the same update (SplitStepProperties). One difference, on purpose: a clipping Step judges the
// gradients after clipping, so it can take a step whose raw gradients (or their bound) overflowed; the split
// refuses it, its halves judging the raw gradients. Both allocate nothing when warm.
namespace FastMlp;

public sealed unsafe partial class Trainer
{
    // Whether the last call that wrote the gradients was ComputeGradients (then Gradients shows them whatever
    // KeepsGradients says: they were written).
    private bool _gradientsComputedOnly;

    /// <summary>
    /// The forward and backward pass of <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float})"/> without the update:
    /// <see cref="Gradients"/> then holds the batch-mean gradients, and the parameters and optimizer are unchanged.
    /// Returns the batch loss. Allocates nothing.
    /// </summary>
    /// <param name="inputs">[batch, InputSize] row-major.</param>
    /// <param name="targets">[batch, OutputSize], as for Step.</param>
    /// <exception cref="ArgumentException">As for Step.</exception>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="TrainingDivergedException">The loss, or a gradient, is (or could be) NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">A Fit is running on this trainer.</exception>
    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        int batch = ValidateStep(inputs, targets);
        EnterOutsideFit();
        try
        {
            fixed (float* x = inputs, t = targets)
            {
                _gradientsComputedOnly = true;
                float loss;
                double maxGradient;
                try
                {
                    loss = Backpropagate(x, t, batch, BatchWeights.Equal(batch), fuse: false, out maxGradient);
                }
                finally
                {
                    _layers.Step++;
                }

                bool gradientsFinite = maxGradient < float.MaxValue;   // false for NaN
                if (!float.IsFinite(loss) || !gradientsFinite)
                {
                    throw new TrainingDivergedException(loss, gradientsFinite);
                }

                return loss;
            }
        }
        finally
        {
            _workspace.Exit();
        }
    }

    /// <summary>
    /// The update of <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float})"/> on <paramref name="gradients"/>:
    /// clipping if set, then the optimizer, guarded as in Step. Typically the mean of several workers'
    /// <see cref="ComputeGradients"/>. Allocates nothing.
    /// </summary>
    /// <param name="gradients">In the layout of <see cref="Network.Parameters"/>; may be <see cref="Gradients"/> itself.</param>
    /// <exception cref="ArgumentException">gradients is not as long as the parameters.</exception>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="TrainingDivergedException">
    /// A gradient is NaN or infinite, or the update would make a parameter or the optimizer's state non-finite; the
    /// parameters and a built-in optimizer's state were not changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">A Fit is running on this trainer, or the optimizer's state belongs to other parameters.</exception>
    public void ApplyGradients(ReadOnlySpan<float> gradients)
    {
        if (gradients.Length != Network.Layout.Count)
        {
            ThrowHelper.ThrowArgument(nameof(gradients), $"gradients has {gradients.Length} elements but the network has {Network.Layout.Count} parameters.");
        }

        EnterOutsideFit();
        try
        {
            Span<float> own = _gradients.Span;
            if (!gradients.Overlaps(own, out int offset) || offset != 0)
            {
                gradients.CopyTo(own);
            }

            // The gradients as given are judged before clipping, which would map ±∞ to ±c: an infinity here is an
            // overflow upstream (a worker's backward pass, the all-reduce's sum), as ComputeGradients refuses its own.
            double maxGradient = MaxAbsolute.OrNaN(own);
            if (maxGradient < float.MaxValue && Clips)
            {
                maxGradient = ClipGradients();
            }

            if (!(maxGradient < float.MaxValue))
            {
                throw TrainingDivergedException.GradientsRefused();
            }

            Update(float.NaN, maxGradient);
        }
        finally
        {
            _workspace.Exit();
        }
    }
}
