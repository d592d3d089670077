// An immutable inference engine for services: a private snapshot of a network's parameters (later
// changes to the network do not reach it) and a pool of scratch workspaces, so any number of threads
// call Predict on one instance without owning anything.
//
// The pool is a fixed array of slots, one per cache line (as GemmContext's): a call takes a workspace
// with one interlocked exchange, starting at its core's slot, and puts it back with one compare-exchange,
// so concurrent callers neither lock nor contend for one slot. A call that finds no workspace builds one
// (the only allocation, while the pool grows to the peak number of concurrent calls), and a workspace
// that finds no free slot on return is dropped, so what stays is at most Capacity workspaces.
//
// Dispose takes the predictor out of service: every call that starts after it throws
// ObjectDisposedException, and calls already inside finish on the workspace they hold, which they then
// drop instead of pooling. Everything a call touches is managed memory (the snapshot's pinned parameter
// array, the workspace's pinned block) kept alive by the call itself, so no call can outlive the memory
// it reads.
//
// At a reduced precision the snapshot's weights are also converted once into ReducedWeights (BFloat16Weights,
// Int8Weights), which every call multiplies by instead; the biases, activations and workspaces are the snapshot's as
// at Float32. BFloat16 and Int8 split their products over threads as the float ones are (Int8 quantizes each layer's
// input on the calling thread first).
using System.Runtime.InteropServices;

namespace FastMlp;

/// <summary>
/// Predictions from a snapshot of a <see cref="Network"/>, for any number of concurrent callers, allocating nothing
/// once warm.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly Network _network;
    private readonly ReducedWeights? _reduced;   // null at Float32
    private readonly Slot[] _pool;
    private int _disposed;
    private long _workspacesCreated;

    private Predictor(Network snapshot, int maxBatch, int maxDegreeOfParallelism, PredictorPrecision precision)
    {
        _network = snapshot;
        _reduced = precision switch
        {
            PredictorPrecision.BFloat16 => new BFloat16Weights(snapshot),
            PredictorPrecision.Int8 => new Int8Weights(snapshot),
            _ => null,
        };
        Precision = precision;
        MaxBatch = maxBatch;
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        _pool = new Slot[Capacity];
    }

    /// <summary>How many workspaces the pool keeps: enough for 64 concurrent callers on a machine of up to 64 cores.</summary>
    internal static int Capacity { get; } = Math.Max(64, 2 * Environment.ProcessorCount);

    /// <summary>Values per input sample.</summary>
    public int InputSize => _network.InputSize;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => _network.OutputSize;

    /// <summary>The largest batch one call accepts.</summary>
    public int MaxBatch { get; }

    /// <summary>
    /// The most threads one call uses (-1: all cores). A layer's product gets one thread per 65,536 multiply-adds (batch ·
    /// inputs · outputs; at Int8 one per 131,072, the inputs rounded up to a multiple of 4), up to this many, so small
    /// products stay on the calling thread; the outputs are the same bits for any number of threads.
    /// </summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>The format the predictor keeps its weights in.</summary>
    public PredictorPrecision Precision { get; }

    /// <summary>Workspaces built so far: grows to the peak number of calls in flight at once, then stays (tests).</summary>
    internal long WorkspacesCreated => Interlocked.Read(ref _workspacesCreated);

    /// <summary>
    /// A predictor answering as <paramref name="network"/> does now: its parameters are copied, so later changes to
    /// <see cref="Network.Parameters"/> do not change this predictor's answers. At <see cref="PredictorPrecision.BFloat16"/>
    /// the weights are rounded to bfloat16 here, once; at <see cref="PredictorPrecision.Int8"/> they are quantized here, once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">MaxBatch is below 1, MaxDegreeOfParallelism is 0 or below -1, or Precision is not a PredictorPrecision.</exception>
    /// <exception cref="ArgumentException">Precision is <see cref="PredictorPrecision.Int8"/> and a layer has more than 133,144 inputs (its int32 sums could overflow).</exception>
    public static Predictor Create(Network network, PredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        (int maxBatch, int threads, PredictorPrecision precision) = Validate(options ?? new PredictorOptions());
        return new Predictor(network.Snapshot(), maxBatch, threads, precision);
    }

    /// <summary>A predictor for the model file in <paramref name="stream"/> (<see cref="Network.Save(Stream)"/>).</summary>
    /// <exception cref="ModelFormatException">The stream does not hold a valid model file.</exception>
    public static Predictor Load(Stream stream, PredictorOptions? options = null)
    {
        (int maxBatch, int threads, PredictorPrecision precision) = Validate(options ?? new PredictorOptions());
        return new Predictor(Network.Load(stream), maxBatch, threads, precision);
    }

    /// <summary>A predictor for the model file at <paramref name="path"/> (<see cref="Network.Save(string)"/>).</summary>
    /// <exception cref="ModelFormatException">The file does not hold a valid model file.</exception>
    public static Predictor Load(string path, PredictorOptions? options = null)
    {
        (int maxBatch, int threads, PredictorPrecision precision) = Validate(options ?? new PredictorOptions());
        return new Predictor(Network.Load(path), maxBatch, threads, precision);
    }

    /// <summary>
    /// outputs [batch, OutputSize] for inputs [batch, InputSize], 1 ≤ batch ≤ MaxBatch. Thread-safe. At Float32 the same
    /// bits as Network.Predict on the network the predictor was made from; at BFloat16 that network's float forward
    /// pass computed with its weights rounded to bfloat16; at Int8 each layer's input quantized per row, multiplied
    /// exactly by the quantized weights and dequantized (<see cref="PredictorPrecision.Int8"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not a whole batch of 1 to MaxBatch samples, or outputs is too short or overlaps inputs.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        // The batch against MaxBatch here (the message names the predictor's option); outputs' length and overlap
        // are Network.Predict's own checks, made before it writes anything.
        ValidateBatch(inputs);
        Workspace workspace = Rent();
        try
        {
            _network.PredictCore(inputs, outputs, workspace, _reduced);
        }
        finally
        {
            Return(workspace);
        }
    }

    /// <summary>The predicted class of each input row: the index of its largest output (the first on a tie). Thread-safe.</summary>
    /// <exception cref="ArgumentException">The inputs are not a whole batch of 1 to MaxBatch samples, or classes is too short.</exception>
    /// <exception cref="ObjectDisposedException">The predictor was disposed.</exception>
    public void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        ValidateBatch(inputs);   // classes' length is Network.PredictClasses' own check
        Workspace workspace = Rent();
        try
        {
            _network.PredictClassesCore(inputs, classes, workspace, _reduced);
        }
        finally
        {
            Return(workspace);
        }
    }

    /// <summary>
    /// Takes the predictor out of service and releases its pooled workspaces. Never waits and never throws: calls in
    /// flight finish normally; every call that starts later throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Drain();
        }
    }

    private static (int MaxBatch, int Threads, PredictorPrecision Precision) Validate(PredictorOptions options)
    {
        if (options.Precision is not (PredictorPrecision.Float32 or PredictorPrecision.BFloat16 or PredictorPrecision.Int8))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.Precision, $"PredictorOptions.Precision is {options.Precision}, not a PredictorPrecision.");
        }

        if (options.MaxBatch < 1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.MaxBatch, $"PredictorOptions.MaxBatch is {options.MaxBatch}; a predictor needs at least 1.");
        }

        if (options.MaxDegreeOfParallelism is 0 or < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(options), options.MaxDegreeOfParallelism, "PredictorOptions.MaxDegreeOfParallelism must be -1 (all cores) or at least 1.");
        }

        return (options.MaxBatch, options.MaxDegreeOfParallelism, options.Precision);
    }

    /// <summary>Checks that the inputs hold a batch of 1..MaxBatch samples, before anything is rented or written.</summary>
    private void ValidateBatch(ReadOnlySpan<float> inputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (inputs.Length == 0 || inputs.Length % InputSize != 0)
        {
            ThrowHelper.ThrowArgument(nameof(inputs), $"inputs has {inputs.Length} elements, not a whole batch of 1 or more samples of {InputSize}.");
        }

        int batch = inputs.Length / InputSize;
        if (batch > MaxBatch)
        {
            ThrowHelper.ThrowArgument(nameof(inputs), $"inputs holds {batch} samples but this predictor was made for at most {MaxBatch} (PredictorOptions.MaxBatch).");
        }
    }

    /// <summary>A free workspace from the pool, starting at the slot of the caller's core; a new one when none is free.</summary>
    private Workspace Rent()
    {
        Slot[] pool = _pool;
        int home = (int)((uint)Thread.GetCurrentProcessorId() % (uint)pool.Length);
        for (int i = 0, slot = home; i < pool.Length; i++, slot = slot + 1 == pool.Length ? 0 : slot + 1)
        {
            if (Volatile.Read(ref pool[slot].Workspace) is not null && Interlocked.Exchange(ref pool[slot].Workspace, null) is { } workspace)
            {
                return workspace;
            }
        }

        Interlocked.Increment(ref _workspacesCreated);
        return _network.CreateWorkspace(MaxBatch, MaxDegreeOfParallelism);
    }

    /// <summary>Puts a workspace back for the next call, or drops it when the pool is full or the predictor was disposed.</summary>
    private void Return(Workspace workspace)
    {
        Slot[] pool = _pool;
        int home = (int)((uint)Thread.GetCurrentProcessorId() % (uint)pool.Length);
        for (int i = 0, slot = home; i < pool.Length; i++, slot = slot + 1 == pool.Length ? 0 : slot + 1)
        {
            if (Volatile.Read(ref pool[slot].Workspace) is null && Interlocked.CompareExchange(ref pool[slot].Workspace, workspace, null) is null)
            {
                // A Dispose that drained the pool before this put-back would miss it: drain again.
                if (Volatile.Read(ref _disposed) != 0)
                {
                    Drain();
                }

                return;
            }
        }

        workspace.Dispose();
    }

    /// <summary>Disposes every pooled workspace (after Dispose).</summary>
    private void Drain()
    {
        for (int i = 0; i < _pool.Length; i++)
        {
            Interlocked.Exchange(ref _pool[i].Workspace, null)?.Dispose();
        }
    }

    /// <summary>One pooled workspace alone on a 64-byte cache line, so neighbouring slots never share one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Slot
    {
        [FieldOffset(0)]
        public Workspace? Workspace;
    }
}
