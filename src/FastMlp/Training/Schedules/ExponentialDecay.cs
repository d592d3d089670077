// Exponential decay: the rate shrinks by the same factor every epoch (PyTorch's ExponentialLR).
namespace FastMlp;

/// <summary>lr(epoch) = lr₀·γ^epoch.</summary>
public sealed class ExponentialDecay : ILearningRateSchedule
{
    /// <param name="gamma">γ, the factor per epoch, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of its range.</exception>
    public ExponentialDecay(float gamma)
    {
        Gamma = ScheduleArguments.ValidDecayFactor(gamma, nameof(gamma));
    }

    /// <summary>γ, the factor per epoch.</summary>
    public float Gamma { get; }

    /// <summary>lr₀·γ^epoch (at least the smallest positive float).</summary>
    /// <exception cref="ArgumentOutOfRangeException">epoch is negative, or initialRate is not positive and finite.</exception>
    public float RateFor(int epoch, float initialRate, float monitoredLoss)
    {
        ScheduleArguments.ValidateRateFor(epoch, initialRate);
        return ScheduleArguments.Positive(initialRate * Math.Pow(Gamma, epoch));
    }
}
