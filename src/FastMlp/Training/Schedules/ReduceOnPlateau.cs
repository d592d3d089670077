// Reduce on plateau: cut the rate when the monitored loss stops improving (Keras' ReduceLROnPlateau,
// PyTorch's ReduceLROnPlateau, mode "min", relative threshold, no cooldown).
//   - An epoch improves when its loss < best − threshold·|best| (PyTorch's "rel" mode; best starts at +∞,
//     so the first real loss improves). A NaN loss never improves.
//   - After `patience` epochs in a row without improvement the rate becomes max(rate·factor, minRate)
//     (if it is above minRate) and the count restarts. This is Keras' count (its `wait >= patience`);
//     PyTorch reduces one epoch later (`num_bad_epochs > patience`), so its patience p is this p + 1.
//   - Epoch 0 (or the first call) starts over: the rate is the initial one, best is +∞, and a NaN loss
//     (Fit's "no epoch yet") is no information. So one instance can serve consecutive fits, one at a time.
namespace FastMlp;

/// <summary>
/// lr ← max(lr·factor, minRate) once the monitored loss has not fallen below best − threshold·|best|
/// for <see cref="Patience"/> epochs in a row (Keras' and PyTorch's ReduceLROnPlateau, relative threshold).
/// </summary>
public sealed class ReduceOnPlateau : ILearningRateSchedule
{
    private float _rate;
    private float _best;
    private int _wait;
    private bool _started;

    /// <param name="factor">What a reduction multiplies the rate by, in (0, 1). Default 0.1.</param>
    /// <param name="patience">Epochs in a row without improvement that trigger a reduction; at least 1. Default 10.</param>
    /// <param name="minRate">The rate is never reduced below this; finite and ≥ 0. Default 0.</param>
    /// <param name="threshold">The relative improvement that counts, in [0, 1). Default 1e-4.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public ReduceOnPlateau(float factor = 0.1f, int patience = 10, float minRate = 0, float threshold = 1e-4f)
    {
        if (!(factor > 0 && factor < 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(factor), factor, $"factor is {factor}; it must be in (0, 1).");
        }

        if (patience < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(patience), patience, $"patience is {patience}; it must be at least 1.");
        }

        if (!(minRate >= 0) || !float.IsFinite(minRate))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(minRate), minRate, $"minRate is {minRate}; it must be finite and at least 0.");
        }

        if (!(threshold >= 0 && threshold < 1))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(threshold), threshold, $"threshold is {threshold}; it must be in [0, 1).");
        }

        Factor = factor;
        Patience = patience;
        MinRate = minRate;
        Threshold = threshold;
    }

    /// <summary>What a reduction multiplies the rate by.</summary>
    public float Factor { get; }

    /// <summary>Epochs in a row without improvement that trigger a reduction.</summary>
    public int Patience { get; }

    /// <summary>The floor of the rate.</summary>
    public float MinRate { get; }

    /// <summary>The relative improvement that counts.</summary>
    public float Threshold { get; }

    /// <summary>
    /// Judges <paramref name="monitoredLoss"/> (the previous epoch's) and returns the rate for <paramref name="epoch"/>;
    /// epoch 0 starts over at <paramref name="initialRate"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">epoch is negative, or initialRate is not positive and finite.</exception>
    public float RateFor(int epoch, float initialRate, float monitoredLoss)
    {
        ScheduleArguments.ValidateRateFor(epoch, initialRate);
        if (epoch == 0 || !_started)
        {
            _started = true;
            _rate = initialRate;
            _best = float.PositiveInfinity;
            _wait = 0;
            if (float.IsNaN(monitoredLoss))
            {
                return _rate;
            }
        }

        if (Improves(monitoredLoss))
        {
            _best = monitoredLoss;
            _wait = 0;
        }
        else if (++_wait >= Patience)
        {
            _wait = 0;
            if (_rate > MinRate)
            {
                _rate = Math.Max(Math.Max(_rate * Factor, MinRate), float.Epsilon);
            }
        }

        return _rate;
    }

    /// <summary>loss &lt; best − threshold·|best|; before any finite best, any loss below +∞.</summary>
    private bool Improves(float loss) =>
        float.IsPositiveInfinity(_best) ? loss < _best : loss < _best - (Threshold * Math.Abs(_best));
}
