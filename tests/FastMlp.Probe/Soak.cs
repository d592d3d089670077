// A bounded soak in a process of its own, so that what it measures is the library alone (in the test runner
// other threads allocate and keep ~300 KB during such a run). Millions of predictions and thousands of
// training steps, on 1 and 2 threads, must not grow the process. The 2-thread network is big enough to split
// (batch 64 of 512-256-10: 8.4M multiply-adds in the first layer, over the 2 × 4M that buy a second worker),
// and its calls must really reach a worker (WorkerPool.SplitJobs; none on a one-core machine). After a
// warm-up: the calling thread and the pool's workers allocate under 64 KiB over the whole run (one byte per
// call would be megabytes; the allowance absorbs the runtime's own occasional tiering allocations); every
// thread of the process together, under 256 KiB; the managed heap after a full collection is no larger
// than before plus 256 KiB; the GEMM's native packing memory is exactly what it was; and the resident set
// grows by under 32 MiB.
namespace FastMlp.Probe;

internal static class Soak
{
    private const int Batch = 64;

    public static string Run()
    {
        Network tiny = Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);
        Network mlp = Network.Create([512, 256, 10], Activation.Relu, Activation.Softmax, seed: 1);
        using Workspace tinyWorkspace = tiny.CreateWorkspace(maxBatch: 1, maxDegreeOfParallelism: 1);
        using Workspace mlpWorkspace = mlp.CreateWorkspace(maxBatch: Batch, maxDegreeOfParallelism: 2);
        using var tinyTrainer = new Trainer(tiny, Loss.SumSquaredError, new Sgd(0.5f), maxBatch: 1, maxDegreeOfParallelism: 1);
        using var mlpTrainer = new Trainer(mlp, Loss.CrossEntropy, new Adam(1e-4f), maxBatch: Batch, maxDegreeOfParallelism: 2);
        float[] xor = [0, 0, 0, 1, 1, 0, 1, 1], xorTargets = [0, 1, 1, 0];
        float[] inputs = new float[Batch * 512], targets = new float[Batch * 10], outputs = new float[Batch * 10], one = new float[1];
        var random = new Random(3);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (int r = 0; r < Batch; r++)
        {
            targets[(r * 10) + (r % 10)] = 1f;
        }

        void Run(int predictions, int steps)
        {
            for (int i = 0; i < predictions; i++)
            {
                tiny.Predict(xor.AsSpan((i & 3) * 2, 2), one, tinyWorkspace);
            }

            for (int i = 0; i < predictions / 2_000; i++)
            {
                mlp.Predict(inputs, outputs, mlpWorkspace);
            }

            for (int i = 0; i < steps; i++)
            {
                tinyTrainer.Step(xor.AsSpan((i & 3) * 2, 2), xorTargets.AsSpan(i & 3, 1));
                if (i % 5 == 0)
                {
                    mlpTrainer.Step(inputs, targets);
                }
            }
        }

        Run(20_000, 500);   // warm-up: first-call buffers, optimizer state, tiering
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long nativeBefore = AlignedBuffer.LiveBytes, residentBefore = Environment.WorkingSet;
        long splitsBefore = WorkerPool.SplitJobs, processBefore = GC.GetTotalAllocatedBytes(precise: true);
        long allocated = AllocatedHereAndOnWorkers(() => Run(2_000_000, 5_000));
        long splits = WorkerPool.SplitJobs - splitsBefore, processAllocated = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        long residentAfter = Environment.WorkingSet, nativeAfter = AlignedBuffer.LiveBytes;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        ProbeFailedException.ThrowUnless(allocated < 64 * 1024, $"the soak allocated {allocated} bytes on the calling thread and the workers; warm calls allocate nothing");
        ProbeFailedException.ThrowUnless(processAllocated < 256 * 1024, $"the process allocated {processAllocated} bytes during the soak");
        ProbeFailedException.ThrowUnless(heapAfter - heapBefore < 256 * 1024, $"the managed heap grew from {heapBefore} to {heapAfter} bytes ({allocated} bytes allocated by the soak)");
        ProbeFailedException.ThrowUnless(nativeAfter == nativeBefore, $"the GEMM's native packing memory went from {nativeBefore} to {nativeAfter} bytes");
        ProbeFailedException.ThrowUnless(residentAfter - residentBefore < 32L << 20, $"the resident set grew from {residentBefore >> 20} MiB to {residentAfter >> 20} MiB");
        if (Environment.ProcessorCount == 1)
        {
            ProbeFailedException.ThrowUnless(splits == 0, $"one core, yet {splits} jobs were split");
        }
        else
        {
            // 1,000 two-thread Predicts and 1,000 two-thread Steps; each makes at least one split product.
            ProbeFailedException.ThrowUnless(splits >= 2_000, $"the 2-thread calls split only {splits} jobs across workers");
        }

        ProbeFailedException.ThrowUnless(float.IsFinite(mlpTrainer.Step(inputs, targets)), "the 2-thread trainer diverged");
        return $"soak: {allocated} bytes allocated on the caller and workers, {processAllocated} by the process; heap {heapBefore} -> {heapAfter} bytes; native packing {nativeBefore} -> {nativeAfter} bytes; resident {residentBefore >> 20} -> {residentAfter >> 20} MiB; {splits} split jobs";
    }

    private static long AllocatedHereAndOnWorkers(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread() + WorkerPool.WorkerAllocatedBytes;
        action();
        return GC.GetAllocatedBytesForCurrentThread() + WorkerPool.WorkerAllocatedBytes - before;
    }
}
