using BenchmarkDotNet.Attributes;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// What every W1 class measures, one source for both: each system's C = op(A)·op(B) of <see cref="Shape"/> with
/// <see cref="Threads"/> threads (FastMlp's Gemm.Multiply, OpenBLAS cblas_sgemm, MKL through TorchSharp's addmm_
/// into a preallocated output, MathNet's managed provider, the TensorPrimitives row loop), each setup checking its
/// C against FastMlp's first (<see cref="GemmOperands"/>). A subclass names the cases.
/// </summary>
[MemoryDiagnoser]
public abstract class GemmBenchmarks
{
    private readonly GemmOperands _operands = new();

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The product of the current case.</summary>
    protected abstract GemmShape Shape { get; }

    [GlobalSetup(Target = nameof(FastMlp))]
    public void SetupFastMlp() => _operands.Setup(Shape, Threads, Systems.FastMlp, this);

    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas() => _operands.Setup(Shape, Threads, Systems.OpenBlas, this);

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch() => _operands.Setup(Shape, Threads, Systems.Torch, this);

    [GlobalSetup(Target = nameof(MathNet))]
    public void SetupMathNet() => _operands.Setup(Shape, Threads, Systems.MathNet, this);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => _operands.Setup(Shape, Threads, Systems.TensorPrimitives, this);

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
