// The flat state of a stateful optimizer (velocity, moments): one or two float buffers parallel to the
// parameters, 64-byte aligned like them (PinnedFloats). Allocated by the first Step for its length and
// reused by every later one, so a warm Step allocates nothing. Reset zeroes the buffers and lets the next
// Step bind any parameters (reusing the buffers when the length is the same).
//
// Binding (issue 9 item 8: state matched by length alone mixes two models of one size). The state belongs
// to the parameters of the Step that bound it:
//   - bound by a Trainer (Bind(PinnedFloats)), to that network's parameter buffer, by identity: another
//     Trainer's buffer throws InvalidOperationException; a direct Step must pass exactly that buffer (same
//     start, same length; it is pinned, so its address is its identity) or gets ArgumentException.
//   - bound by a direct Step (Bind(Span)), to a length only: a span says nothing lasting about the memory
//     behind it (the GC moves arrays), so the same array keeps working after a compacting collection. A
//     Trainer later takes the state over only if the last direct Step was on its network's buffer.
// Magnitudes: FirstMax and SecondMax are max |s| over each buffer, exact at all times (zero when allocated
// or Reset, then what each update kernel reports); the update guard bounds the next step from them.
// Save and Restore copy the buffers and magnitudes aside and back, for the guard's exact slow path.
// Export and Import copy them out and in (IStatefulOptimizer): imported state is bound to nothing yet, and the
// next Step's parameters claim it if they are as many as its length (a Trainer's buffer or a direct Step's span).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastMlp;

internal sealed unsafe class OptimizerState(int buffers)
{
    private PinnedFloats? _first, _second, _savedFirst, _savedSecond;
    private float _savedFirstMax, _savedSecondMax;
    private bool _bound, _claimable;
    private PinnedFloats? _owner;
    private nint _directStart;

    /// <summary>The first buffer, [parameters.Length]; valid after a Bind.</summary>
    public Span<float> First => _first!.Span;

    /// <summary>The second buffer, [parameters.Length]; valid after a Bind when there are two.</summary>
    public Span<float> Second => _second!.Span;

    /// <summary>max |s| over the first buffer (+∞ or NaN if a value is not finite).</summary>
    public float FirstMax { get; private set; }

    /// <summary>max |s| over the second buffer; 0 when there is none.</summary>
    public float SecondMax { get; private set; }

    /// <summary>Whether every state value is finite.</summary>
    public bool Finite => float.IsFinite(FirstMax) && float.IsFinite(SecondMax);

    /// <summary>For a direct Step: allocates the buffers (zeroed) on the first call; later checks the parameters are those of the binding.</summary>
    /// <exception cref="ArgumentException">The state was built for another length, or a Trainer bound it to another parameter buffer.</exception>
    public void Bind(Span<float> parameters)
    {
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(parameters));
        if (!_bound)
        {
            Allocate(parameters.Length);
        }
        else if (_claimable)
        {
            if (parameters.Length != _first!.Length)
            {
                ThrowHelper.ThrowArgument(nameof(parameters), $"parameters has {parameters.Length} elements but this optimizer's state was loaded for {_first.Length}; call Reset() before stepping another buffer.");
            }

            _claimable = false;
        }
        else if (_owner is not null)
        {
            if (start != (nint)_owner.Pointer || parameters.Length != _owner.Length)
            {
                ThrowHelper.ThrowArgument(nameof(parameters), $"parameters is not the parameter buffer this optimizer's state belongs to: a Trainer bound it to its network's {_owner.Length} Parameters. Step that network's Parameters, or call Reset() before stepping another buffer.");
            }
        }
        else
        {
            OptimizerArguments.ValidateStateLength(_first!.Length, parameters);
        }

        _directStart = start;
    }

    /// <summary>For a Trainer: binds the state to <paramref name="parameters"/>, the network's buffer, allocating it on first use.</summary>
    /// <exception cref="InvalidOperationException">The state belongs to another parameter buffer.</exception>
    public void Bind(PinnedFloats parameters)
    {
        if (ReferenceEquals(_owner, parameters))
        {
            return;
        }

        if (!_bound)
        {
            Allocate(parameters.Length);
        }
        else if (_claimable)
        {
            if (_first!.Length != parameters.Length)
            {
                throw new InvalidOperationException($"This optimizer's state was loaded for {_first.Length} parameters; the network has {parameters.Length}. Load a snapshot taken from a network of this architecture, or call Reset().");
            }

            _claimable = false;
        }
        else if (_owner is not null || _directStart != (nint)parameters.Pointer || _first!.Length != parameters.Length)
        {
            string whose = _owner is not null
                ? $"the {_owner.Length} parameters of the network whose Trainer stepped it first"
                : $"the {_first!.Length} parameters its first direct Step passed";
            throw new InvalidOperationException(
                $"This optimizer's state belongs to another parameter buffer ({whose}); one optimizer cannot serve two networks. Give each Trainer its own optimizer, or call Reset() before training other parameters.");
        }

        _owner = parameters;
    }

    /// <summary>Records the magnitudes an update kernel reports for the state buffers.</summary>
    public void Record(in UpdateMagnitudes written)
    {
        FirstMax = written.First;
        SecondMax = written.Second;
    }

    /// <summary>Copies the buffers and their magnitudes aside (allocating the copies the first time).</summary>
    public void Save()
    {
        Copy(_first, ref _savedFirst);
        Copy(_second, ref _savedSecond);
        (_savedFirstMax, _savedSecondMax) = (FirstMax, SecondMax);
    }

    /// <summary>Puts back what <see cref="Save"/> copied.</summary>
    public void Restore()
    {
        _savedFirst?.Span.CopyTo(_first!.Span);
        _savedSecond?.Span.CopyTo(_second!.Span);
        (FirstMax, SecondMax) = (_savedFirstMax, _savedSecondMax);
    }

    /// <summary>Zeroes the state and releases the binding; the next Step may bind any parameters.</summary>
    public void Reset()
    {
        _first?.Span.Clear();
        _second?.Span.Clear();
        (FirstMax, SecondMax) = (0f, 0f);
        _bound = false;
        _claimable = false;
        _owner = null;
    }

    /// <summary>Copies of the buffers in use: none before the first Step and after Reset.</summary>
    public float[][] Export() =>
        !_bound ? [] : _second is null ? [_first!.Span.ToArray()] : [_first!.Span.ToArray(), _second.Span.ToArray()];

    /// <summary>
    /// Replaces the state with copies of <paramref name="snapshot"/>'s buffers, bound to nothing until the next Step;
    /// no buffers is a Reset. <paramref name="kept"/> is how many buffers the optimizer uses (0 for plain SGD).
    /// </summary>
    /// <exception cref="ArgumentException">Another kind of optimizer, another number of buffers, or a non-finite value; nothing changed.</exception>
    public void Import(OptimizerSnapshot snapshot, string kind, int kept)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Optimizer != kind)
        {
            ThrowHelper.ThrowArgument(nameof(snapshot), $"The snapshot is of a {snapshot.Optimizer} optimizer's state; this is a {kind}.");
        }

        IReadOnlyList<float[]> buffers = snapshot.Buffers;
        if (buffers.Count == 0)
        {
            Reset();
            return;
        }

        if (buffers.Count != kept)
        {
            ThrowHelper.ThrowArgument(nameof(snapshot), $"The snapshot has {buffers.Count} state buffers; this {kind} keeps {kept}.");
        }

        float firstMax = MaxAbsolute.OrNaN(buffers[0]), secondMax = kept > 1 ? MaxAbsolute.OrNaN(buffers[1]) : 0f;
        if (!float.IsFinite(firstMax) || !float.IsFinite(secondMax))
        {
            ThrowHelper.ThrowArgument(nameof(snapshot), "The snapshot's state holds a NaN or infinite value.");
        }

        Allocate(snapshot.Length);
        buffers[0].CopyTo(_first!.Span);
        if (kept > 1)
        {
            buffers[1].CopyTo(_second!.Span);
        }

        (FirstMax, SecondMax) = (firstMax, secondMax);
        _owner = null;
        _claimable = true;
    }

    private static void Copy(PinnedFloats? from, ref PinnedFloats? to)
    {
        if (from is null)
        {
            return;
        }

        if (to is null || to.Length != from.Length)
        {
            to = new PinnedFloats(from.Length);
        }

        from.Span.CopyTo(to.Span);
    }

    private void Allocate(int length)
    {
        if (_first is null || _first.Length != length)
        {
            _first = new PinnedFloats(length);
            _second = buffers > 1 ? new PinnedFloats(length) : null;
        }

        _bound = true;
    }
}
