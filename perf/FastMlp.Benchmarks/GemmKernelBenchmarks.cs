using System.Runtime.Intrinsics;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// Kernel choice: the same product with each micro-kernel forced (internal Gemm.Multiply&lt;TKernel&gt;,
/// default blocking, 1 thread), side by side. Gemm.Multiply picks the 6×32 Vector512 kernel where
/// AVX-512F runs because of this comparison; WORKLOADS.md expected equal 256- and 512-bit peaks.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W1", "Gemm")]
public class GemmKernelBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(64, 256, 512)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = MatrixData.Random(N * N, MatrixData.Seed);
        _b = MatrixData.Random(N * N, MatrixData.Seed + 1);
        _c = new float[N * N];
    }

    [Benchmark(Baseline = true, Description = "6x32 Vector512 (AVX-512F)")]
    public void Avx512() => Run<GemmKernelSimd<GemmLanes512, Vector512<float>>>();

    [Benchmark(Description = "6x16 Vector256 (AVX2+FMA)")]
    public void Fma() => Run<GemmKernelSimd<GemmLanes256, Vector256<float>>>();

    [Benchmark(Description = "4x4 scalar")]
    public void Scalar() => Run<GemmKernelScalar>();

    private void Run<TKernel>()
        where TKernel : struct, IGemmKernel =>
        Gemm.Multiply<TKernel>(_a, N, false, _b, N, false, _c, N, N, N, N, 1f, 0f, 1, GemmBlocking.Default);
}
