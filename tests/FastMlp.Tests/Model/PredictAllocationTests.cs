// PredictAllocationTests: a warm Network.Predict (and PredictClasses) on one thread allocates 0 bytes at every batch size
// from 1 to the workspace's maximum (issue 4). "Warm" means every batch size ran twice on this thread
// first (first-call buffer growth and JIT tiering may allocate). Counted on this thread, every one of
// 10 calls per batch size (AllocationProbe.OnThisThread).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

// Alone (SerialTestGroup), as TrainerAllocationTests: the GEMM's packing contexts come from one pool per process, and
// a parallel test holding every pooled context at the moment of a counted call makes that call build one (104 bytes;
// seen once in CI, PredictAllocationTests [784-256-128-10] batch 62 under DOTNET_EnableAVX512=0).
[Collection(SerialTestGroup.Name)]
public sealed class PredictAllocationTests
{
    public static TheoryData<int[], Activation, Activation, int> Architectures() => new()
    {
        { [784, 256, 128, 10], Activation.Relu, Activation.Softmax, 64 },
        { [2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, 64 },
        { [17, 9, 33], Activation.Tanh, Activation.Identity, 40 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Warm_single_thread_predict_allocates_nothing_at_any_batch_size(int[] sizes, Activation hidden, Activation output, int maxBatch)
    {
        Network network = Network.Create(sizes, hidden, output, seed: 1);
        using Workspace workspace = network.CreateWorkspace(maxBatch, maxDegreeOfParallelism: 1);
        float[] inputs = new float[maxBatch * network.InputSize], outputs = new float[maxBatch * network.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = ((i % 13) - 6) * 0.125f;
        }

        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            for (int batch = 1; batch <= maxBatch; batch++)
            {
                Predict(network, inputs, outputs, workspace, batch);
            }
        }

        for (int batch = 1; batch <= maxBatch; batch++)
        {
            Array.Fill(outputs, float.NaN);
            Allocations allocated = AllocationProbe.OnThisThread(() => Predict(network, inputs, outputs, workspace, batch), calls: 10);
            Assert.True(allocated.Bytes == 0, $"[{string.Join("-", sizes)}] batch {batch}: warm Predicts allocated {allocated}.");
            Assert.False(float.IsNaN(outputs[(batch * network.OutputSize) - 1]), "Predict did not write its outputs.");
        }
    }

    [Fact]
    public void Warm_single_thread_predict_classes_allocates_nothing_at_any_batch_size()
    {
        Network network = Network.Create([784, 256, 128, 10], Activation.Relu, Activation.Softmax, seed: 2);
        using Workspace workspace = network.CreateWorkspace(32, maxDegreeOfParallelism: 1);
        float[] inputs = new float[32 * 784];
        int[] classes = new int[32];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (i % 7) * 0.125f;
        }

        for (int batch = 1; batch <= 32; batch++)
        {
            network.PredictClasses(inputs.AsSpan(0, batch * 784), classes, workspace);
            network.PredictClasses(inputs.AsSpan(0, batch * 784), classes, workspace);
        }

        for (int batch = 1; batch <= 32; batch++)
        {
            Array.Fill(classes, -1);
            Allocations allocated = AllocationProbe.OnThisThread(() => network.PredictClasses(inputs.AsSpan(0, batch * 784), classes, workspace), calls: 10);
            Assert.True(allocated.Bytes == 0, $"batch {batch}: warm PredictClasses calls allocated {allocated}.");
            Assert.InRange(classes[batch - 1], 0, 9);
        }
    }

    private static void Predict(Network network, float[] inputs, float[] outputs, Workspace workspace, int batch) =>
        network.Predict(inputs.AsSpan(0, batch * network.InputSize), outputs.AsSpan(0, batch * network.OutputSize), workspace);
}
