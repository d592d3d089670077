// The update guard (issue 9 item 6): a Step whose update would make a parameter, or a value of the
// optimizer's state, NaN or infinite throws TrainingDivergedException with both bit for bit as before.
// Checking after an in-place update cannot restore, and a read pass over the parameters before it would
// cost a W2 step at batch 1 more than the 3% it may spend on the guard, so for the built-in optimizers
// (IGuardedOptimizer) the guard proves from bounds that the update cannot overflow, then updates in place:
//   |g|      from the backward pass's own guard (GradientBound, per layer)
//   |p|      what the last update wrote (its kernel tracks max |p|), recorded on the Network until anyone
//            takes Network.Parameters; after that, one read pass (MaxAbsolute)
//   |state|  the state's own magnitudes, tracked by the same kernels and exact at all times
// When the bounds cannot prove it (values near float.MaxValue, a learning rate gone wrong), the exact
// slow path copies the parameters and the state aside, updates, and puts both back if the update wrote
// a non-finite value. A custom IOptimizer cannot be bounded: every step takes the slow path for the
// parameters (a copy before, a read after); its own state is beyond the Trainer's reach.
// A proven update that still writes a non-finite value can only mean the parameters were written without
// taking Parameters since the last Step (a span held across it, or another thread): that is reported
// with InvalidOperationException, as the update cannot be undone.
// Allocation: the copies are allocated the first time they are needed (the parameters' by the Trainer, the
// state's by the optimizer) and reused, so only a trainer's first slow or custom update allocates.
namespace FastMlp;

public sealed partial class Trainer
{
    private PinnedFloats? _savedParameters;

    /// <summary>
    /// True except in the benchmarks (GuardHarness), which turn it off on a twin trainer to time the guard against the
    /// same step without it: the update is then the optimizer's own Step on the parameters, as before the guard, and
    /// the network's recorded max |p| is dropped. Not public: every user's step is guarded.
    /// </summary>
    internal bool GuardsUpdates { get; set; } = true;

    /// <summary>
    /// Applies the optimizer to the gradients of this step, whose every value is at most <paramref name="maxGradient"/>
    /// in magnitude; throws <see cref="TrainingDivergedException"/> with nothing changed if the update is not finite.
    /// </summary>
    private void Update(float loss, double maxGradient)
    {
        PinnedFloats buffer = Network.ParameterBuffer;
        Span<float> parameters = buffer.Span;
        long taken = Network.ParametersTaken;
        if (!GuardsUpdates)
        {
            Optimizer.Step(_gradients.Span, parameters);
            Network.RecordLargestParameter(float.NaN, taken);
            return;
        }

        if (Optimizer is not IGuardedOptimizer guarded)
        {
            Network.RecordLargestParameter(UpdateCustom(loss, parameters), taken);
            return;
        }

        double maxParameter = BindAndBoundParameters(guarded, taken);
        float largest;
        if (guarded.Bounded(maxGradient, maxParameter))
        {
            largest = guarded.Update(_gradients.Span, parameters);
            CheckProvenUpdate(guarded, largest, taken);
        }
        else
        {
            SaveParameters(parameters);
            guarded.SaveState();
            largest = guarded.Update(_gradients.Span, parameters);
            if (!float.IsFinite(largest) || !guarded.StateFinite)
            {
                _savedParameters!.Span.CopyTo(parameters);
                guarded.RestoreState();
                throw TrainingDivergedException.UpdateRefused(loss, stateRestored: true);
            }
        }

        Network.RecordLargestParameter(largest, taken);
    }

    /// <summary>Binds the optimizer's state to the network's parameters (throws before anything is written if it cannot); returns max |p| now.</summary>
    private double BindAndBoundParameters(IGuardedOptimizer guarded, long taken)
    {
        PinnedFloats buffer = Network.ParameterBuffer;
        guarded.Bind(buffer);
        float known = Network.LargestParameter(taken);
        return float.IsNaN(known) ? MaxAbsolute.OrNaN(buffer.Span) : known;
    }

    /// <summary>After an update the bounds proved finite: a non-finite result can only come from a write the guard did not see.</summary>
    private void CheckProvenUpdate(IGuardedOptimizer guarded, float largest, long taken)
    {
        if (!float.IsFinite(largest) || !guarded.StateFinite)
        {
            Network.RecordLargestParameter(float.NaN, taken);   // the next Step reads what is there now
            throw new InvalidOperationException(
                "The update made a parameter or the optimizer's state NaN or infinite although the parameters the guard knew of could not overflow: " +
                "Network.Parameters was written through a span taken before the last Step (or by another thread during this one). The update could not be undone. " +
                "Take Parameters again after each Step before writing through it.");
        }
    }

    /// <summary>A custom optimizer's step on a copy-protected buffer; returns max |p| after it.</summary>
    private float UpdateCustom(float loss, Span<float> parameters)
    {
        SaveParameters(parameters);
        try
        {
            Optimizer.Step(_gradients.Span, parameters);
        }
        catch
        {
            _savedParameters!.Span.CopyTo(parameters);
            throw;
        }

        float largest = MaxAbsolute.OrNaN(parameters);
        if (!float.IsFinite(largest))
        {
            _savedParameters!.Span.CopyTo(parameters);
            throw TrainingDivergedException.UpdateRefused(loss, stateRestored: false);
        }

        return largest;
    }

    /// <summary>Copies the parameters aside (allocating the copy on the first slow step).</summary>
    private void SaveParameters(Span<float> parameters)
    {
        _savedParameters ??= new PinnedFloats(parameters.Length);
        parameters.CopyTo(_savedParameters.Span);
    }
}
