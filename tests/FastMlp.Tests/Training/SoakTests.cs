// SoakTests: issue 6's bounded soak. Millions of predictions and thousands of training steps, on 1 and
// 2 threads, must not grow the managed heap: after a warm-up, the calling thread allocates under 64 KiB
// over the whole run (one byte per call would be megabytes; the allowance absorbs the runtime's own
// occasional tiering allocations), and the heap after a full collection is no larger than before plus a
// small allowance for the runtime's bookkeeping. Under a second in all.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class SoakTests
{
    [Fact]
    public void Millions_of_predictions_and_thousands_of_steps_leave_the_heap_where_it_was()
    {
        Network tiny = Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);
        Network mlp = Network.Create([64, 32, 10], Activation.Relu, Activation.Softmax, seed: 1);
        using Workspace tinyWorkspace = tiny.CreateWorkspace(maxBatch: 1, maxDegreeOfParallelism: 1);
        using Workspace mlpWorkspace = mlp.CreateWorkspace(maxBatch: 16, maxDegreeOfParallelism: 2);
        using var tinyTrainer = new Trainer(tiny, Loss.SumSquaredError, new Sgd(0.5f), maxBatch: 1, maxDegreeOfParallelism: 1);
        using var mlpTrainer = new Trainer(mlp, Loss.CrossEntropy, new Adam(1e-3f), maxBatch: 16, maxDegreeOfParallelism: 2);
        float[] xor = [0, 0, 0, 1, 1, 0, 1, 1], xorTargets = [0, 1, 1, 0];
        float[] inputs = new float[16 * 64], targets = new float[16 * 10], outputs = new float[16 * 10], one = new float[1];
        var random = new Random(3);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (int r = 0; r < 16; r++)
        {
            targets[(r * 10) + (r % 10)] = 1f;
        }

        void Run(int predictions, int steps)
        {
            for (int i = 0; i < predictions; i++)
            {
                tiny.Predict(xor.AsSpan((i & 3) * 2, 2), one, tinyWorkspace);
            }

            for (int i = 0; i < predictions / 100; i++)
            {
                mlp.Predict(inputs, outputs, mlpWorkspace);
            }

            for (int i = 0; i < steps; i++)
            {
                tinyTrainer.Step(xor.AsSpan((i & 3) * 2, 2), xorTargets.AsSpan(i & 3, 1));
                mlpTrainer.Step(inputs, targets);
            }
        }

        Run(1000, 100);   // warm-up: first-call buffers, optimizer state, tiering
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocated = AllocationProbe.OnThisThread(() => Run(2_000_000, 5_000), calls: 1).Bytes;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(allocated < 64 * 1024, $"the soak allocated {allocated} bytes on the calling thread; warm calls allocate nothing");
        Assert.True(heapAfter - heapBefore < 256 * 1024, $"the managed heap grew from {heapBefore} to {heapAfter} bytes");
        Assert.True(float.IsFinite(mlpTrainer.Step(inputs, targets)));
    }
}
