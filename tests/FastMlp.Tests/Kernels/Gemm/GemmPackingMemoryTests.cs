// GemmPackingMemoryTests: packing memory is bounded by the context pool, not by how many threads ever
// called (issue 9, item 3). Many threads each run one product on the tile path (n = 4096: a KC×NC
// block of B of about 4 MiB, on one thread), then stay alive, as a thread pool's threads
// do, while AlignedBuffer.LiveBytes (every native packing byte of the process) is read. One context's
// worth is measured the same way first, with a single product on a fresh thread. Counted process-wide,
// so the class runs alone (SerialTestGroup); the pool is emptied first so the count starts from zero.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed class GemmPackingMemoryTests
{
    private const int M = 150, N = 4096, K = 256;

    [Fact]
    public void Threads_that_finished_a_product_keep_no_more_than_the_pool_holds()
    {
        // At least 16 threads, and twice the pool's capacity, so its bound is well below one context per thread.
        int threads = Math.Max(16, 2 * GemmContext.Capacity);
        long perContext = RetainedAfter(1);
        long retained = RetainedAfter(threads);

        // A whole KC×NC block of B (256 × 4080 floats, NC rounded up to the kernel's NR).
        Assert.True(perContext >= 256L * 4080 * sizeof(float), $"one product on the tile path retained only {perContext} bytes");
        Assert.True(
            retained <= GemmContext.Capacity * perContext,
            $"{threads} threads that each ran one {M}×{N}×{K} product retain {retained} bytes of packing memory, "
            + $"{(double)retained / perContext:F1} contexts of {perContext} bytes; the pool holds at most {GemmContext.Capacity}.");
        Assert.True(retained >= perContext && retained % perContext == 0, $"{retained} bytes retained is not a whole number of {perContext}-byte contexts: the pool keeps none, or keeps them partly.");
    }

    /// <summary>
    /// Live packing bytes added while <paramref name="threads"/> new threads each ran one product and
    /// are all still alive, counted from an empty pool.
    /// </summary>
    private static long RetainedAfter(int threads)
    {
        GemmContext.ReleasePooled();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = AlignedBuffer.LiveBytes;

        float[] a = new float[M * K], b = new float[K * N];
        using var finished = new CountdownEvent(threads);
        using var release = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                float[] c = new float[M * N];
                Gemm.Multiply(a, b, c, M, N, K, maxDegreeOfParallelism: 1);
                finished.Signal();
                release.Wait();
            });
            workers[t].Start();
        }

        finished.Wait();
        long retained = AlignedBuffer.LiveBytes - before;
        release.Set();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return retained;
    }
}
