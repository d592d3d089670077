// The flat state of a stateful optimizer (velocity, moments): one or two float buffers parallel to the
// parameters, 64-byte aligned like them (PinnedFloats). Allocated by the first Step for its length and
// reused by every later one, so a warm Step allocates nothing; a Step with another length throws rather
// than mixing the state of two models. Reset zeroes the buffers and lets the next Step bind any length
// (reusing the buffers when it is the same).
namespace FastMlp;

internal sealed class OptimizerState(int buffers)
{
    private PinnedFloats? _first, _second;
    private bool _bound;

    /// <summary>The first buffer, [parameters.Length]; valid after <see cref="Bind"/>.</summary>
    public Span<float> First => _first!.Span;

    /// <summary>The second buffer, [parameters.Length]; valid after <see cref="Bind"/> when there are two.</summary>
    public Span<float> Second => _second!.Span;

    /// <summary>Allocates the buffers (zeroed) on the first call; later throws unless the length is the same.</summary>
    /// <exception cref="ArgumentException">The state was built for another length.</exception>
    public void Bind(Span<float> parameters)
    {
        if (_bound)
        {
            OptimizerArguments.ValidateStateLength(_first!.Length, parameters);
            return;
        }

        if (_first is null || _first.Length != parameters.Length)
        {
            _first = new PinnedFloats(parameters.Length);
            _second = buffers > 1 ? new PinnedFloats(parameters.Length) : null;
        }

        _bound = true;
    }

    /// <summary>Zeroes the state; the next <see cref="Bind"/> may take any length.</summary>
    public void Reset()
    {
        _first?.Span.Clear();
        _second?.Span.Clear();
        _bound = false;
    }
}
