using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What sample weights cost a training step (issue 14), side by side in one process: the unweighted
/// Trainer.Step (the baseline) against Trainer.Step with weights (unequal, every third 0, so the weighted loss
/// runs) on the same network and batch. W2 (784-256-128-10, ReLU, softmax, cross-entropy) at B = 1 and 32, and
/// W4's 2-2-1 sigmoid network (squared error, the tiny path) at B = 4; one thread, plain SGD lr 0.01.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Training", "Weights")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class SampleWeightBenchmarks
{
    private float[] _inputs = [];
    private float[] _targets = [];
    private float[] _weights = [];
    private Trainer? _trainer;

    /// <summary>"W2 B=1", "W2 B=32" or "W4 B=4".</summary>
    [Params("W2 B=1", "W2 B=32", "W4 B=4")]
    public string Case { get; set; } = "W2 B=1";

    [GlobalSetup]
    public void Setup()
    {
        bool w4 = Case.StartsWith("W4", StringComparison.Ordinal);
        int batch = int.Parse(Case[(Case.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Network network = w4
            ? Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0)
            : Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(batch, network.InputSize);
        _targets = NetworkData.OneHotTargets(batch, network.OutputSize);
        _weights = [.. Enumerable.Range(0, batch).Select(b => b % 3 == 1 ? 0f : 1f + (b % 4 * 0.5f))];
        _weights[0] = batch == 1 ? 2f : _weights[0];   // one sample: any positive weight (the plain mean)
        _trainer = new Trainer(network, w4 ? Loss.SumSquaredError : Loss.CrossEntropy, new Sgd(0.01f), maxBatch: batch, maxDegreeOfParallelism: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Baseline = true, Description = "Step")]
    public float Step() => _trainer!.Step(_inputs, _targets);

    [Benchmark(Description = "Step, weighted")]
    public float WeightedStep() => _trainer!.Step(_inputs, _targets, _weights);
}
