// The packing buffers of one share of a product, and the pool that bounds them (issue 9: buffers kept
// per calling thread grew with every thread that ever called). A call that packs rents one context
// for its whole duration and returns it at the end: it holds the buffers of worker 0, the calling
// thread (tiny products, the dot and batch-1 row paths, and tile-path products that read A and B in
// place pack nothing and rent nothing). Workers 1 and up run on WorkerPool threads and pack into one context per worker index
// (OfWorker): a fixed few, one per core, used only by the job that holds the pool.
// Buffers only grow, and only in IParallelBody.Prepare (Grow): on the dispatching thread, before any
// worker starts, so a failed allocation throws before a worker could wait for another at a barrier.
//
// Capacity: Math.Max(4, Environment.ProcessorCount) contexts stay pooled. At most ProcessorCount
// calls make progress at any instant, so that many serve every caller of a machine that is not
// oversubscribed; a call that finds the pool empty (more threads inside Multiply than cores, some
// preempted mid-call) builds a context for itself, and Return frees it at once (native memory
// released deterministically) when the pool is full, so what stays is at most Capacity contexts
// however many threads ever called. The floor of 4 covers small machines where a trainer, predictors
// and a test runner overlap. Each context is at most KC·NC floats (4 MiB with the default blocking)
// unless a product asks for more (the m = 1 path gathers a transposed A of k floats). Rent and
// Return are an interlocked operation each on a slot of its own cache line (Rent starts at the
// caller's core's slot, Return where Rent found the context), and allocate nothing while the pool
// has a context for every concurrent caller.
using System.Runtime.InteropServices;

namespace FastMlp;

internal sealed class GemmContext : IDisposable
{
    /// <summary>Per worker index 1 and up: the buffers that worker packs into on a pool thread.</summary>
    private static readonly GemmContext?[] s_workers = new GemmContext?[WorkerPool.MaxWorkers];

    private static readonly Slot[] s_pool = new Slot[Math.Max(4, Environment.ProcessorCount)];

    /// <summary>
    /// The slot Rent found this context in (or would have), where Return tries first. Rent starts at the
    /// slot of the core the caller runs on, so callers on different cores neither contend for one slot
    /// nor, mostly, take each other's cache-warm buffers.
    /// </summary>
    private int _slot;

    /// <summary>How many contexts the pool keeps.</summary>
    public static int Capacity => s_pool.Length;

    /// <summary>The gathered op(A) row of the m = 1 path with a transposed A.</summary>
    public AlignedBuffer PackedA { get; } = new();

    /// <summary>This worker's KC×NC block of B in NR-column micro-panels (tile path).</summary>
    public AlignedBuffer PackedB { get; } = new();

    /// <summary>A context for one call, from the pool when it has one.</summary>
    public static GemmContext Rent()
    {
        Slot[] pool = s_pool;
        int id = Thread.GetCurrentProcessorId();
        int home = (uint)id < (uint)pool.Length ? id : (int)((uint)id % (uint)pool.Length);
        for (int i = 0, slot = home; i < pool.Length; i++, slot = slot + 1 == pool.Length ? 0 : slot + 1)
        {
            if (Volatile.Read(ref pool[slot].Context) is not null && Interlocked.Exchange(ref pool[slot].Context, null) is { } context)
            {
                context._slot = slot;
                return context;
            }
        }

        return new GemmContext { _slot = home };
    }

    /// <summary>Gives a rented context back once no worker uses it; frees it when the pool is full.</summary>
    public static void Return(GemmContext context)
    {
        Slot[] pool = s_pool;
        for (int i = 0, slot = context._slot; i < pool.Length; i++, slot = slot + 1 == pool.Length ? 0 : slot + 1)
        {
            if (Volatile.Read(ref pool[slot].Context) is null && Interlocked.CompareExchange(ref pool[slot].Context, context, null) is null)
            {
                return;
            }
        }

        context.Dispose();
    }

    /// <summary>
    /// The buffers worker <paramref name="worker"/> packs into: the call's own context for worker 0 (the
    /// calling thread), worker index <paramref name="worker"/>'s for the others (grown by <see cref="Grow"/>).
    /// </summary>
    public static GemmContext OfWorker(int worker, GemmContext call) => worker == 0 ? call : s_workers[worker]!;

    /// <summary>
    /// Grows PackedA and PackedB of workers 0 to <paramref name="workerCount"/> − 1 to these lengths
    /// (in floats). Only from IParallelBody.Prepare: a job of more than one worker holds the pool then, so
    /// no other job uses the worker indexes' buffers.
    /// </summary>
    public static void Grow(GemmContext call, int workerCount, int packedA, int packedB)
    {
        for (int w = 0; w < workerCount; w++)
        {
            GemmContext own = w == 0 ? call : s_workers[w] ??= new GemmContext();
            own.PackedA.Ensure(packedA);
            own.PackedB.Ensure(packedB);
        }
    }

    /// <summary>Frees every pooled context (tests start from an empty pool); rented ones are not affected.</summary>
    internal static void ReleasePooled()
    {
        for (int i = 0; i < s_pool.Length; i++)
        {
            Interlocked.Exchange(ref s_pool[i].Context, null)?.Dispose();
        }
    }

    public void Dispose()
    {
        PackedA.Dispose();
        PackedB.Dispose();
    }

    /// <summary>One pooled context alone on a 64-byte cache line, so neighbouring slots never share one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Slot
    {
        [FieldOffset(0)]
        public GemmContext? Context;
    }
}
