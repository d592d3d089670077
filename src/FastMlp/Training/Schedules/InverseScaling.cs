// Inverse scaling: scikit-learn's learning_rate="invscaling", lr₀ / t^power_t, with t counted in epochs
// from 1 (scikit-learn's MLP counts samples seen; per epoch is what a schedule here can see).
namespace FastMlp;

/// <summary>lr(epoch) = lr₀ / (epoch + 1)^power.</summary>
public sealed class InverseScaling : ILearningRateSchedule
{
    /// <param name="power">The exponent, finite and ≥ 0; 0.5 (scikit-learn's power_t) by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="power"/> is out of its range.</exception>
    public InverseScaling(float power = 0.5f)
    {
        if (!(power >= 0) || !float.IsFinite(power))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(power), power, $"power is {power}; it must be finite and at least 0.");
        }

        Power = power;
    }

    /// <summary>The exponent of epoch + 1.</summary>
    public float Power { get; }

    /// <summary>lr₀ / (epoch + 1)^power (at least the smallest positive float).</summary>
    /// <exception cref="ArgumentOutOfRangeException">epoch is negative, or initialRate is not positive and finite.</exception>
    public float RateFor(int epoch, float initialRate, float monitoredLoss)
    {
        ScheduleArguments.ValidateRateFor(epoch, initialRate);
        return ScheduleArguments.Positive(initialRate / Math.Pow(epoch + 1.0, Power));
    }
}
