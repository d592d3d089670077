// Everything one forward (and, for a Trainer, backward) pass needs for up to MaxBatch samples, in one
// 64-byte-aligned native block: the output of every layer (Predict writes the last one straight into
// the caller's span; PredictClasses and training read it here) and, for training, two delta buffers
// that backward ping-pongs.
// Built once, reused by every call; one Workspace per concurrent caller, disposed by its creator.
namespace FastMlp;

/// <summary>
/// Scratch memory for <see cref="Network.Predict"/> on up to <see cref="MaxBatch"/> samples. Create it with
/// <see cref="Network.CreateWorkspace"/>, use it from one thread at a time, and dispose it when done.
/// </summary>
public sealed unsafe class Workspace : IDisposable
{
    private readonly AlignedBuffer _buffer = new();
    private readonly int[] _activationOffsets;
    private readonly int[] _deltaOffsets;
    private int _busy;
    private bool _disposed;

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

        if (total > Array.MaxLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxBatch), maxBatch, $"A workspace for {maxBatch} samples needs {total} floats; at most {Array.MaxLength} fit.");
        }

        _buffer.Ensure((int)Math.Max(total, 1));
    }

    /// <summary>The largest batch this workspace holds.</summary>
    public int MaxBatch { get; }

    /// <summary>The most threads a call using this workspace may use (-1: all cores).</summary>
    public int MaxDegreeOfParallelism { get; }

    internal ParameterLayout Layout { get; }

    /// <summary>Output of layer <paramref name="layer"/>: [MaxBatch, Out(layer)].</summary>
    internal float* Activation(int layer) => _buffer.Pointer + _activationOffsets[layer];

    /// <summary>Delta buffer 0 or 1: [MaxBatch, widest layer].</summary>
    internal float* Delta(int which) => _buffer.Pointer + _deltaOffsets[which];

    /// <summary>Marks the workspace in use; a second caller at the same time gets an exception instead of corrupt results.</summary>
    internal void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("This Workspace is already in use by another call; create one Workspace per concurrent caller.");
        }
    }

    internal void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>Frees the memory; later calls with this workspace throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _buffer.Dispose();
    }

    /// <summary>Rounds up to whole 64-byte lines so every buffer starts aligned.</summary>
    private static long Aligned(long floats) => (floats + 15) & ~15L;
}
