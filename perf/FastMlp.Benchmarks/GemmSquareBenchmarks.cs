using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W1: C = A·B for square N×N fp32 matrices, FastMlp with 1 and 2 threads, and in the same run the
/// single-threaded baselines of WORKLOADS.md. Ratios are relative to FastMlp at the same N and Threads.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W1", "Gemm")]
public class GemmSquareBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(32, 64, 128, 256, 512, 1024, 2048)]
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

    [Benchmark(Baseline = true, Description = "FastMlp NN")]
    public void FastMlp()
    {
        Gemm.Multiply(_a, _b, _c, N, N, N, maxDegreeOfParallelism: Threads);
    }

    [Benchmark(Description = "Baseline: TensorPrimitives row-wise 1T")]
    [SingleThreadBaseline]
    public void TensorPrimitivesRowwise()
    {
        GemmBaselines.TensorPrimitivesRowwise(_a, _b, _c, N, N, N);
    }

    [Benchmark(Description = "Baseline: naive C# i-k-j 1T")]
    [SingleThreadBaseline(MaxN = 512)]
    public void Naive()
    {
        GemmBaselines.NaiveIkj(_a, _b, _c, N);
    }
}
