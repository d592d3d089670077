using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W3 throughput: <see cref="Network.Predict"/> of the 784-256-128-10 network (ReLU hidden, Softmax output)
/// on B = 1 and B = 64 samples. One operation = one Predict call of B samples, so the time columns are per
/// call; <c>Samples/s (median)</c> = B / median time per call is the W3 batch-64 figure. GFLOP/s counts
/// <see cref="NetworkData.ForwardFlopsPerSample"/> = 469,504 FLOPs per sample × B. Batch-1 latency
/// percentiles come from the latency harness (<c>-- latency</c>, LatencyHarness.cs), not from here.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W3", "Inference")]
[FlopsPerSample(NetworkData.ForwardFlopsPerSample)]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class InferenceBenchmarks
{
    private Network? _network;
    private Workspace? _workspace;
    private float[] _inputs = [];
    private float[] _outputs = [];

    /// <summary>Samples per Predict call; also the Workspace's maxBatch.</summary>
    [Params(1, 64)]
    public int B { get; set; }

    /// <summary>Passed to CreateWorkspace as maxDegreeOfParallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _workspace = _network.CreateWorkspace(maxBatch: B, maxDegreeOfParallelism: Threads);
        _inputs = NetworkData.Inputs(B, _network.InputSize);
        _outputs = new float[B * _network.OutputSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _workspace?.Dispose();
        _workspace = null;
    }

    [Benchmark(Description = "Network.Predict")]
    public void Predict()
    {
        _network!.Predict(_inputs, _outputs, _workspace!);
    }
}
