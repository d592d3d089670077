// One caller's hold on the predictor a ModelPredictor served when the lease was taken. While it is held a reload
// may swap another model in, but this predictor keeps answering: its shape and its answers stay one model's for
// as long as the caller needs them (a request's checks, its forward pass and its reply). Disposing the lease
// gives its count back; the last count on a retired predictor disposes it.
namespace FastMlp.Extensions.DependencyInjection;

/// <summary>
/// The predictor <see cref="ModelPredictor.Acquire"/> found serving, held until <see cref="Dispose"/>:
/// <c>using PredictorLease lease = model.Acquire();</c>, then <c>lease.Predictor.InputSize</c>, <c>.Predict</c>, ...
/// all on one model whatever reloads happen meanwhile. Dispose it exactly once: a lease is a struct, so a copy holds
/// the same count without sharing the disposed state, and disposing both gives the count back twice.
/// </summary>
public struct PredictorLease : IDisposable
{
    private CountedPredictor? _held;

    internal PredictorLease(CountedPredictor held) => _held = held;

    /// <summary>The leased predictor, which is not disposed before this lease is.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed, or is a default value.</exception>
    public readonly Predictor Predictor => (_held ?? throw new ObjectDisposedException(nameof(PredictorLease))).Predictor;

    /// <summary>Gives the predictor back; a predictor that a reload retired is disposed by its last lease. A second call does nothing.</summary>
    public void Dispose() => Interlocked.Exchange(ref _held, null)?.Release();
}
