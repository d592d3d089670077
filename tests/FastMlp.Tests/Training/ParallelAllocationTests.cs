// ParallelAllocationTests: with maxDegreeOfParallelism 2 (and −1, all cores) on a batch big enough to
// be split (batch 64 of 784-256-128-10: 12.8M multiply-adds in the first layer's GEMMs, over the 2 × 4M
// that buy a second worker), a warm Predict and a warm Trainer.Step allocate 0 bytes on the calling
// thread and, counted process-wide so that the GEMM worker threads are included, 0 bytes in at least
// one of 50 windows of one call (AllocationProbe.InProcess: the test host's own background
// allocations are why one clean window is asked for rather than all; a per-call allocation anywhere in
// the process shows in every window). Serial, so no other test allocates meanwhile.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class ParallelAllocationTests
{
    private const int Batch = 64;

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Warm_multi_threaded_predict_and_step_allocate_nothing(int maxDegreeOfParallelism)
    {
        Network network = Network.Create([784, 256, 128, 10], Activation.Relu, Activation.Softmax, seed: 1);
        using Workspace workspace = network.CreateWorkspace(Batch, maxDegreeOfParallelism);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(1e-3f), Batch, maxDegreeOfParallelism);
        float[] inputs = new float[Batch * 784], outputs = new float[Batch * 10], targets = new float[Batch * 10];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = ((i % 13) - 6) * 0.125f;
        }

        for (int b = 0; b < Batch; b++)
        {
            targets[(b * 10) + (b % 10)] = 1;
        }

        void Predict() => network.Predict(inputs, outputs, workspace);
        void Step() => trainer.Step(inputs, targets);

        for (int warmUp = 0; warmUp < 20; warmUp++)
        {
            Predict();
            Step();
        }

        Assert.Equal(0, AllocationProbe.OnThisThread(Predict));
        Assert.Equal(0, AllocationProbe.OnThisThread(Step));
        long predict = AllocationProbe.InProcess(Predict, windows: 50);
        long step = AllocationProbe.InProcess(Step, windows: 50);
        Assert.True(predict == 0 && step == 0, $"maxDegreeOfParallelism {maxDegreeOfParallelism}: a warm call allocated at least {predict} bytes (Predict) and {step} bytes (Step) process-wide.");
    }
}
