using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W1: C = A·B for square N×N fp32 matrices, row-major, β = 0, with 1 and 2 threads: FastMlp's Gemm.Multiply,
/// OpenBLAS cblas_sgemm, MKL through TorchSharp (mm into a preallocated output), MathNet's managed provider and the
/// TensorPrimitives row loop, on the same seeded operands. Each peer's setup first checks its C against FastMlp's.
/// </summary>
[MemoryDiagnoser]
[PeerGroup("W1", "W1 SGEMM, square")]
public class W1SquareBenchmarks : IPeerBenchmark
{
    private readonly GemmOperands _operands = new();

    [Params(32, 64, 128, 256, 512, 1024, 2048)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double WorkPerOperation(Func<string, object?> parameter) => GemmShape.Square((int)parameter(nameof(N))!).Flops;

    public static bool InQuickRun(Func<string, object?> parameter) => parameter(nameof(N)) is 64 or 256 or 1024;

    [GlobalSetup(Target = nameof(FastMlp))]
    public void SetupFastMlp() => _operands.Setup(GemmShape.Square(N), Threads, Systems.FastMlp, this);

    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas() => _operands.Setup(GemmShape.Square(N), Threads, Systems.OpenBlas, this);

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch() => _operands.Setup(GemmShape.Square(N), Threads, Systems.Torch, this);

    [GlobalSetup(Target = nameof(MathNet))]
    public void SetupMathNet() => _operands.Setup(GemmShape.Square(N), Threads, Systems.MathNet, this);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => _operands.Setup(GemmShape.Square(N), Threads, Systems.TensorPrimitives, this);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark(Baseline = true)]
    public void FastMlp() => _operands.RunFastMlp();

    [Benchmark]
    public void OpenBlas() => _operands.RunOpenBlas();

    [Benchmark]
    public void Torch() => _operands.RunTorch();

    [Benchmark]
    public void MathNet() => _operands.RunMathNet();

    [Benchmark]
    public void TensorPrimitives() => _operands.RunTensorPrimitives();
}
