// The packing buffers of one calling thread, reused by every Multiply it makes (so a warm call
// allocates nothing), with one A buffer and one B sliver per worker slot of the pool. Buffers only
// grow, and only on the calling thread before any worker starts. Freed by the finalizer when the
// thread dies.
namespace FastMlp;

internal sealed class GemmContext
{
    [ThreadStatic]
    private static GemmContext? t_current;

    private GemmContext()
    {
        PackedA = new AlignedBuffer[WorkerPool.MaxWorkers];
        PackedBSliver = new AlignedBuffer[WorkerPool.MaxWorkers];
        for (int w = 0; w < PackedA.Length; w++)
        {
            PackedA[w] = new AlignedBuffer();
            PackedBSliver[w] = new AlignedBuffer();
        }
    }

    public static GemmContext Current => t_current ??= new GemmContext();

    /// <summary>Per worker: the MC×KC block of A in MR-row micro-panels.</summary>
    public AlignedBuffer[] PackedA { get; }

    /// <summary>Per worker: one KC×NR sliver of B (small path, when B cannot be read in place).</summary>
    public AlignedBuffer[] PackedBSliver { get; }

    /// <summary>Shared by the workers: the KC×NC block of B in NR-column micro-panels (packed path).</summary>
    public AlignedBuffer PackedB { get; } = new();
}
