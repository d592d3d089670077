using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// W2: one training step of the 784-256-128-10 network (ReLU hidden, Softmax output, cross-entropy, plain
/// SGD lr 0.01) on a batch of B samples. One operation = one <see cref="Trainer.Step"/>: forward, backward
/// and the in-place update. GFLOP/s counts <see cref="NetworkData.TrainingFlopsPerSample"/> = 1,007,104
/// FLOPs per sample (the GEMMs only) × B. The parameters keep training from one call to the next; the cost
/// of a step does not depend on their values.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W2", "Training")]
[FlopsPerSample(NetworkData.TrainingFlopsPerSample)]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class TrainingStepBenchmarks
{
    private float[] _inputs = [];
    private float[] _targets = [];
    private Trainer? _trainer;

    /// <summary>Samples per step; also the Trainer's maxBatch.</summary>
    [Params(1, 32, 128, 1024)]
    public int B { get; set; }

    /// <summary>Passed to the Trainer as maxDegreeOfParallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(B, network.InputSize);
        _targets = NetworkData.OneHotTargets(B, network.OutputSize);
        _trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), maxBatch: B, maxDegreeOfParallelism: Threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Description = "Trainer.Step")]
    public float Step()
    {
        return _trainer!.Step(_inputs, _targets);
    }
}
