// A predictor and the count that decides when it is disposed: 1 for being the current model plus 1 per lease.
// The count only goes up from above 0, so a predictor that reached 0 (disposed, or being disposed) is never
// handed out again: TryAddCall fails and the caller takes the new current one.
namespace FastMlp.Extensions.DependencyInjection;

/// <summary>A predictor with its lease count; disposed when the count reaches 0.</summary>
internal sealed class CountedPredictor(Predictor predictor)
{
    private int _count = 1;

    public Predictor Predictor { get; } = predictor;

    /// <summary>One more lease, unless the count has reached 0 (the predictor is retired).</summary>
    public bool TryAddCall()
    {
        for (int count = Volatile.Read(ref _count); count > 0; count = Volatile.Read(ref _count))
        {
            if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One lease (or being current) less; the last one disposes the predictor.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            Predictor.Dispose();
        }
    }
}
