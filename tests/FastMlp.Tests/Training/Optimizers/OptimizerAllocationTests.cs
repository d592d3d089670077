// OptimizerAllocationTests: a warm Step allocates 0 bytes, for every optimizer path, on a small buffer
// and on one the size of the W2 network's parameters (235,146: vector bodies and a tail). "Warm" means
// the optimizer has stepped that buffer twice (its state allocated by the first Step). Counted on this
// thread, every one of 20 calls (AllocationProbe.OnThisThread), so parallel tests cannot disturb it.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerAllocationTests
{
    public static TheoryData<string, int> Setups()
    {
        var rows = new TheoryData<string, int>();
        foreach (string setup in OptimizerSetups.All)
        {
            rows.Add(setup, 37);
            rows.Add(setup, 235_146);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void A_warm_step_allocates_nothing(string setup, int length)
    {
        IOptimizer optimizer = OptimizerSetups.Create(setup);
        float[] p = OptimizerSetups.Values(length, seed: 1), g = OptimizerSetups.Values(length, seed: 2);
        optimizer.Step(g, p);
        optimizer.Step(g, p);
        Allocations allocated = AllocationProbe.OnThisThread(() => optimizer.Step(g, p), calls: 20);
        Assert.True(allocated.Bytes == 0, $"{setup}, {length} parameters: warm Steps allocated {allocated}.");
    }
}
