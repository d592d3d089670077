// The checks the learning-rate schedules make: their own parameters at construction, and RateFor's
// arguments (the epoch and the rate the fit started with) on every call. A schedule's answer goes to an
// optimizer's LearningRate setter, which accepts only positive, finite rates: a decay that underflows
// float is held at the smallest positive float instead of reaching 0.
namespace FastMlp;

internal static class ScheduleArguments
{
    /// <summary>Throws unless epoch ≥ 0 and the initial rate is positive and finite.</summary>
    public static void ValidateRateFor(int epoch, float initialRate)
    {
        if (epoch < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(epoch), epoch, $"epoch is {epoch}; epochs count from 0.");
        }

        if (!(initialRate > 0) || !float.IsFinite(initialRate))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(initialRate), initialRate, $"initialRate is {initialRate}; a learning rate must be positive and finite.");
        }
    }

    /// <summary>Returns <paramref name="value"/> if it lies in (0, 1] (a decay factor); throws naming <paramref name="name"/> otherwise.</summary>
    public static float ValidDecayFactor(float value, string name)
    {
        if (!(value > 0 && value <= 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, value, $"{name} is {value}; it must be in (0, 1].");
        }

        return value;
    }

    /// <summary><paramref name="rate"/> rounded to float, but never below the smallest positive float.</summary>
    public static float Positive(double rate) => Math.Max((float)rate, float.Epsilon);
}
