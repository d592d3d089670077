using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W1, transposed forms at N = 512: Aᵀ·B and A·Bᵀ next to A·B (the baseline), 1 and 2 threads.
/// The target is a ratio ≤ 1.05. A and B are both N×N, so one buffer serves either storage order.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W1", "Gemm")]
public class GemmTransposeBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(512)]
    public int N { get; set; }

    /// <summary>Passed to Gemm.Multiply as maxDegreeOfParallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = MatrixData.Random(N * N, MatrixData.Seed);
        _b = MatrixData.Random(N * N, MatrixData.Seed + 1);
        _c = new float[N * N];
    }

    [Benchmark(Baseline = true, Description = "A·B (NN)")]
    public void NN()
    {
        Gemm.Multiply(_a, _b, _c, N, N, N, maxDegreeOfParallelism: Threads);
    }

    [Benchmark(Description = "Aᵀ·B (TN)")]
    public void TN()
    {
        Gemm.Multiply(_a, _b, _c, N, N, N, transposeA: true, maxDegreeOfParallelism: Threads);
    }

    [Benchmark(Description = "A·Bᵀ (NT)")]
    public void NT()
    {
        Gemm.Multiply(_a, _b, _c, N, N, N, transposeB: true, maxDegreeOfParallelism: Threads);
    }
}
