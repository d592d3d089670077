// Everything one forward (and, for a Trainer, backward) pass needs for up to MaxBatch samples, in one
// 64-byte-aligned block on the pinned object heap (so the GC sees it and reclaims a workspace nobody
// disposed): the output of every layer (Predict writes the last one straight into the caller's span;
// PredictClasses and training read it here) and, for training, two delta buffers that backward ping-pongs.
// Built once, reused by every call; one Workspace per concurrent caller, disposed by its creator.
//
// One atomic state guards the memory, as SafeHandle guards a handle: Free → Busy on Enter, back on Exit;
// Dispose of a Free workspace releases the block at once; Dispose of a Busy one only marks it
// (DisposeRequested) and returns, and the call in flight releases the block when it leaves. So Dispose
// never throws, never waits, and never pulls memory from under a running call; every call that starts
// after Dispose throws ObjectDisposedException.
namespace FastMlp;

/// <summary>
/// Scratch memory for <see cref="Network.Predict"/> on up to <see cref="MaxBatch"/> samples. Create it with
/// <see cref="Network.CreateWorkspace"/>, use it from one thread at a time, and dispose it when done.
/// </summary>
public sealed unsafe class Workspace : IDisposable
{
    private const int Free = 0, Busy = 1, DisposeRequested = 2, Disposed = 3;

    private readonly int[] _activationOffsets;
    private readonly int[] _deltaOffsets;
    private PinnedFloats? _buffer;
    private PinnedFloats? _int8;   // an Int8 predictor's scratch, built by its first call
    private float* _base;
    private int _state;

    internal Workspace(ParameterLayout layout, int maxBatch, int maxDegreeOfParallelism, bool training)
    {
        MaxBatch = maxBatch;
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        Layout = layout;
        _activationOffsets = new int[layout.Layers];
        long total = 0;
        int widest = 0;
        for (int l = 0; l < layout.Layers; l++)
        {
            _activationOffsets[l] = (int)total;
            widest = Math.Max(widest, layout.Out(l));
            total += Aligned((long)maxBatch * layout.Out(l));
        }

        _deltaOffsets = new int[training ? 2 : 0];
        for (int d = 0; d < _deltaOffsets.Length; d++)
        {
            _deltaOffsets[d] = (int)total;
            total += Aligned((long)maxBatch * widest);
        }

        if (total > Array.MaxLength - 16)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxBatch), maxBatch, $"A workspace for {maxBatch} samples needs {total} floats; at most {Array.MaxLength - 16} fit.");
        }

        _buffer = new PinnedFloats((int)Math.Max(total, 1));
        _base = _buffer.Pointer;
    }

    /// <summary>The largest batch this workspace holds.</summary>
    public int MaxBatch { get; }

    /// <summary>The most threads a call using this workspace may use (-1: all cores).</summary>
    public int MaxDegreeOfParallelism { get; }

    internal ParameterLayout Layout { get; }

    /// <summary>Whether Dispose was called during a call that has not left yet (the block is still held for it).</summary>
    internal bool IsDisposeRequested => Volatile.Read(ref _state) == DisposeRequested;

    /// <summary>Whether the block was released (Dispose, and no call in flight).</summary>
    internal bool IsReleased => _buffer is null;

    /// <summary>Output of layer <paramref name="layer"/>: [MaxBatch, Out(layer)]. Only between Enter and Exit.</summary>
    internal float* Activation(int layer) => _base + _activationOffsets[layer];

    /// <summary>Delta buffer 0 or 1: [MaxBatch, widest layer]. Only between Enter and Exit.</summary>
    internal float* Delta(int which) => _base + _deltaOffsets[which];

    /// <summary>
    /// An Int8 predictor's scratch, only between Enter and Exit: MaxBatch row <paramref name="scales"/>, then MaxBatch rows of
    /// <paramref name="depth"/> quantized inputs (64-byte aligned). Built by the first call that asks (the one
    /// allocation; every caller of one workspace asks for the same depth), the same memory on every later call.
    /// </summary>
    internal sbyte* Int8Scratch(int depth, out float* scales)
    {
        int scaleFloats = (int)Aligned(MaxBatch);
        long floats = scaleFloats + ((((long)MaxBatch * depth) + 3) / 4);
        if (_int8 is null || _int8.Length < floats)
        {
            if (floats > Array.MaxLength - 16)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(depth), depth, $"Int8 scratch for {MaxBatch} rows of {depth} bytes does not fit one array.");
            }

            _int8 = new PinnedFloats((int)floats);
        }

        scales = _int8.Pointer;
        return (sbyte*)(scales + scaleFloats);
    }

    /// <summary>Free → Busy; a second caller at the same time gets an exception instead of corrupt results.</summary>
    /// <exception cref="InvalidOperationException">Another call is using the workspace.</exception>
    /// <exception cref="ObjectDisposedException">The workspace was disposed.</exception>
    internal void Enter()
    {
        int state = Interlocked.CompareExchange(ref _state, Busy, Free);
        if (state == Busy)
        {
            throw new InvalidOperationException("This Workspace is already in use by another call; create one Workspace per concurrent caller.");
        }

        ObjectDisposedException.ThrowIf(state != Free, this);
    }

    /// <summary>Busy → Free; when Dispose came during the call, releases the block instead.</summary>
    internal void Exit()
    {
        if (Interlocked.CompareExchange(ref _state, Free, Busy) == DisposeRequested)
        {
            Release();
        }
    }

    /// <summary>
    /// Releases the memory, or, when a call is using the workspace right now, lets that call release it when it
    /// returns (Dispose never waits and never throws). Every later call with this workspace throws
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state >= DisposeRequested)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, state == Free ? Disposed : DisposeRequested, state) == state)
            {
                if (state == Free)
                {
                    Release();
                }

                return;
            }
        }
    }

    /// <summary>Drops the block, which the GC then reclaims; runs once, on the thread that took the state out of use.</summary>
    private void Release()
    {
        Volatile.Write(ref _state, Disposed);
        _base = null;
        _buffer = null;
        _int8 = null;
    }

    /// <summary>Rounds up to whole 64-byte lines so every buffer starts aligned.</summary>
    private static long Aligned(long floats) => (floats + 15) & ~15L;
}
