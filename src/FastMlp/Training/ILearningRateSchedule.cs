namespace FastMlp;

/// <summary>
/// How the learning rate of an <see cref="IAdjustableOptimizer"/> changes from epoch to epoch of a fit.
/// A schedule may keep state (reduce-on-plateau does): use one instance per fit.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for epoch <paramref name="epoch"/> (0-based).</summary>
    /// <param name="epoch">The epoch about to start.</param>
    /// <param name="initialRate">The optimizer's learning rate when the fit started.</param>
    /// <param name="monitoredLoss">The validation loss (or, without validation, the training loss) of the previous epoch; NaN before the first.</param>
    float RateFor(int epoch, float initialRate, float monitoredLoss);
}
