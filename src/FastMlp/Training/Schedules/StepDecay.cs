// Step decay: the rate drops by a constant factor every stepEpochs epochs (PyTorch's StepLR).
namespace FastMlp;

/// <summary>lr(epoch) = lr₀·factor^⌊epoch / stepEpochs⌋.</summary>
public sealed class StepDecay : ILearningRateSchedule
{
    /// <param name="stepEpochs">Epochs between drops; at least 1.</param>
    /// <param name="factor">What each drop multiplies the rate by, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public StepDecay(int stepEpochs, float factor)
    {
        if (stepEpochs < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(stepEpochs), stepEpochs, $"stepEpochs is {stepEpochs}; it must be at least 1.");
        }

        StepEpochs = stepEpochs;
        Factor = ScheduleArguments.ValidDecayFactor(factor, nameof(factor));
    }

    /// <summary>Epochs between drops.</summary>
    public int StepEpochs { get; }

    /// <summary>What each drop multiplies the rate by.</summary>
    public float Factor { get; }

    /// <summary>lr₀·factor^⌊epoch / stepEpochs⌋ (at least the smallest positive float).</summary>
    /// <exception cref="ArgumentOutOfRangeException">epoch is negative, or initialRate is not positive and finite.</exception>
    public float RateFor(int epoch, float initialRate, float monitoredLoss)
    {
        ScheduleArguments.ValidateRateFor(epoch, initialRate);
        return ScheduleArguments.Positive(initialRate * Math.Pow(Factor, epoch / StepEpochs));
    }
}
