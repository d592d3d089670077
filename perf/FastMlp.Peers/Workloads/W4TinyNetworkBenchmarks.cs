using BenchmarkDotNet.Attributes;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W4: per-sample SGD steps of the 2-2-1 sigmoid XOR network on one thread (<see cref="TinyNetworkState"/>):
/// FastMlp's Trainer.Step, the same math as scalar C# fields (the floor), and TorchSharp's training loop. One
/// operation = one step; each invocation runs many steps over the four samples (OperationsPerInvoke), so the
/// times are per step and the timer's resolution does not dominate. TorchSharp runs fewer steps per invocation
/// (<see cref="TorchCycles"/>): at about 100 µs a step, 1,024 steps would make one invocation longer than the
/// quick run's 40 ms iteration. Each setup checks its system, then measures what one step allocates
/// (<see cref="Allocations"/>).
/// </summary>
[MemoryDiagnoser]
[PeerGroup("W4", "W4 tiny network, 2-2-1 XOR, per-sample SGD")]
public class W4TinyNetworkBenchmarks : IPeerBenchmark
{
    /// <summary>Passes over the four XOR samples per invocation (FastMlp and the floor, as TinyNetworkBenchmarks).</summary>
    public const int Cycles = 256;

    /// <summary>Steps per invocation: 4 samples × <see cref="Cycles"/>.</summary>
    public const int StepsPerInvoke = 4 * Cycles;

    /// <summary>TorchSharp's passes per invocation: 16 steps, about 1.6 ms.</summary>
    public const int TorchCycles = 4;

    /// <summary>TorchSharp's steps per invocation: 4 samples × <see cref="TorchCycles"/>.</summary>
    public const int TorchStepsPerInvoke = 4 * TorchCycles;

    private readonly TinyNetworkState _state = new();

    /// <summary>One thread only: the network is too small to split.</summary>
    [Params(1)]
    public int Threads { get; set; }

    public static double WorkPerOperation(Func<string, object?> parameter) => 1;

    public static bool InQuickRun(Func<string, object?> parameter) => true;

    [GlobalSetup(Target = nameof(FastMlp))]
    public void SetupFastMlp()
    {
        _state.Setup(Systems.FastMlp, this);
        Allocations.Measure(this, Systems.FastMlp, () => FastMlp(), StepsPerInvoke);
    }

    [GlobalSetup(Target = nameof(ScalarFloor))]
    public void SetupScalarFloor()
    {
        _state.Setup(Systems.ScalarFloor, this);
        Allocations.Measure(this, Systems.ScalarFloor, () => ScalarFloor(), StepsPerInvoke);
    }

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch()
    {
        _state.Setup(Systems.Torch, this);
        Allocations.Measure(this, Systems.Torch, () => Torch(), TorchStepsPerInvoke);
    }

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke)]
    public float FastMlp() => _state.RunFastMlp(Cycles);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public float ScalarFloor() => _state.RunScalarFloor(Cycles);

    [Benchmark(OperationsPerInvoke = TorchStepsPerInvoke)]
    public float Torch() => _state.RunTorch(TorchCycles);
}
