// Eight threads make their first parallel product at the same moment in a fresh process: the worker pool
// must be built exactly once, so the process holds Environment.ProcessorCount − 1 worker threads after it.
// Worker threads are counted by their names in /proc/self/task (Linux: .NET gives each managed thread
// its Name, cut to 15 bytes, as its kernel thread name).
namespace FastMlp.Probe;

internal static class PoolFirstUse
{
    private const string WorkerName = "FastMlp worker";

    public static string Run()
    {
        ProbeFailedException.ThrowUnless(Directory.Exists("/proc/self/task"), "pool-first-use counts threads through /proc/self/task, which this system does not have");
        ProbeFailedException.ThrowUnless(CountWorkers() == 0, "a worker thread ran before the first product");
        const int callers = 8, n = 256;   // 256³ multiply-adds are enough for every core to get a share
        float[] a = new float[n * n], b = new float[n * n];
        using var barrier = new Barrier(callers);
        var threads = new Thread[callers];
        for (int t = 0; t < callers; t++)
        {
            threads[t] = new Thread(() =>
            {
                float[] c = new float[n * n];
                barrier.SignalAndWait();
                Gemm.Multiply(a, b, c, n, n, n);
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        int workers = CountWorkers(), expected = Environment.ProcessorCount - 1;
        ProbeFailedException.ThrowUnless(workers == expected, $"{callers} concurrent first products left {workers} FastMlp worker threads; one pool has {expected}");
        return $"{callers} concurrent first products: {workers} worker threads ({Environment.ProcessorCount} cores)";
    }

    private static int CountWorkers() =>
        Directory.GetDirectories("/proc/self/task").Count(task => File.ReadAllText(Path.Combine(task, "comm")).StartsWith(WorkerName, StringComparison.Ordinal));
}
