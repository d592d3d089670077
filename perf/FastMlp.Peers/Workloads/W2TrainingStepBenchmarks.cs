using BenchmarkDotNet.Attributes;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W2: one training step (forward, backward, in-place SGD lr 0.01 update) of the 784-256-128-10 ReLU network with
/// softmax + cross-entropy on a batch of B samples, with 1 and 2 threads: FastMlp's Trainer.Step and TorchSharp's
/// zero_grad/forward/CrossEntropyLoss/backward/optim.SGD.step loop, from the same weights on the same batch
/// (<see cref="TrainingStepState"/>). One operation = one step; the work unit is samples (B per step). Each setup
/// checks its system, then measures what one step allocates (<see cref="Allocations"/>).
/// </summary>
[MemoryDiagnoser]
[PeerGroup("W2", "W2 training step, 784-256-128-10")]
public class W2TrainingStepBenchmarks : IPeerBenchmark
{
    private readonly TrainingStepState _state = new();

    /// <summary>Samples per step.</summary>
    [Params(1, 32, 128, 1024)]
    public int B { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double WorkPerOperation(Func<string, object?> parameter) => (int)parameter(nameof(B))!;

    /// <summary>Batch 1 (latency-bound, the memory floor) and 1024 (throughput-bound), both threads.</summary>
    public static bool InQuickRun(Func<string, object?> parameter) => parameter(nameof(B)) is 1 or 1024;

    [GlobalSetup(Target = nameof(FastMlp))]
    public void SetupFastMlp()
    {
        _state.Setup(B, Threads, Systems.FastMlp, this);
        Allocations.Measure(this, Systems.FastMlp, () => FastMlp());
    }

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch()
    {
        _state.Setup(B, Threads, Systems.Torch, this);
        Allocations.Measure(this, Systems.Torch, () => Torch());
    }

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark(Baseline = true)]
    public float FastMlp() => _state.RunFastMlp();

    [Benchmark]
    public float Torch() => _state.RunTorch();
}
