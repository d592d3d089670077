using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// Issue 16: the W3 network (784-256-128-10, ReLU hidden, Softmax output) through a Float32, a BFloat16 and an Int8
/// <see cref="Predictor"/> side by side in one run, on B = 1, 8, 64 and 256 samples, on 1 and 2 threads. One operation = one
/// Predict call of B samples; the ratio column compares each precision with Float32 within the run.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W3", "Inference", "Precision")]
[FlopsPerSample(NetworkData.ForwardFlopsPerSample)]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class PrecisionBenchmarks
{
    private Predictor? _float32;
    private Predictor? _bfloat16;
    private Predictor? _int8;
    private float[] _inputs = [];
    private float[] _outputs = [];

    /// <summary>Samples per Predict call; also the predictors' MaxBatch.</summary>
    [Params(1, 8, 64, 256)]
    public int B { get; set; }

    /// <summary>The predictors' MaxDegreeOfParallelism: 1 (the default) or 2 (both cores of the machine).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _float32 = Predictor.Create(network, new PredictorOptions { MaxBatch = B, MaxDegreeOfParallelism = Threads, Precision = PredictorPrecision.Float32 });
        _bfloat16 = Predictor.Create(network, new PredictorOptions { MaxBatch = B, MaxDegreeOfParallelism = Threads, Precision = PredictorPrecision.BFloat16 });
        _int8 = Predictor.Create(network, new PredictorOptions { MaxBatch = B, MaxDegreeOfParallelism = Threads, Precision = PredictorPrecision.Int8 });
        _inputs = NetworkData.Inputs(B, network.InputSize);
        _outputs = new float[B * network.OutputSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _float32?.Dispose();
        _bfloat16?.Dispose();
        _int8?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Predictor Float32")]
    public void PredictFloat32() => _float32!.Predict(_inputs, _outputs);

    [Benchmark(Description = "Predictor BFloat16")]
    public void PredictBFloat16() => _bfloat16!.Predict(_inputs, _outputs);

    [Benchmark(Description = "Predictor Int8")]
    public void PredictInt8() => _int8!.Predict(_inputs, _outputs);
}
