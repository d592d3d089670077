using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What Fit's multi-label metrics (issue 14) add to a step, at B rows of 10 sigmoid outputs with 0/1 targets: the
/// whole binary cross-entropy <see cref="Trainer.Step"/> on the W2 network (the baseline, 784-256-128-10,
/// ReLU/Sigmoid, SGD lr 0.01, 1 thread), then the running metrics Fit adds after it for one batch, without the
/// per-label counting (a regression set's loss and mean absolute error, what a BCE fit measured before) and with it.
/// The counting costs the difference of the last two; ratios against the step are only meaningful side by side: run
/// with <c>--inProcess</c> so every case shares one process.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W2", "Metrics")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public unsafe class MultiLabelMetricsBenchmarks
{
    private const int Outputs = 10;

    private float[] _inputs = [];
    private float[] _targets = [];
    private float[] _outputs = [];
    private readonly long[] _labelsRight = new long[Outputs];
    private Trainer? _trainer;
    private Metrics _last;

    /// <summary>Samples per step; also the Trainer's maxBatch.</summary>
    [Params(1, 32)]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Sigmoid, seed: 0);
        _inputs = NetworkData.Inputs(B, network.InputSize);
        _targets = GC.AllocateArray<float>(B * Outputs, pinned: true);
        NetworkData.OneHotTargets(B, Outputs).CopyTo(_targets, 0);
        _outputs = GC.AllocateArray<float>(B * Outputs, pinned: true);
        _trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.01f), maxBatch: B, maxDegreeOfParallelism: 1);
        using Workspace workspace = network.CreateWorkspace(B, maxDegreeOfParallelism: 1);
        network.Predict(_inputs, _outputs, workspace);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Baseline = true, Description = "W2 BCE Trainer.Step")]
    public float Step() => _trainer!.Step(_inputs, _targets);

    [Benchmark(Description = "Metrics.Add, loss + MAE")]
    public void WithoutLabels() => _last = AddOnce(null);

    [Benchmark(Description = "Metrics.Add, loss + MAE + labels")]
    public void WithLabels() => _last = AddOnce(_labelsRight);

    // The sums after one batch (kept in a field so the work is not dropped); Result (once per epoch, and the list it builds) is left out.
    private Metrics AddOnce(long[]? labelsRight)
    {
        var metrics = new Metrics(labelsRight);
        metrics.Add(0.5f, Pointer(_outputs), Pointer(_targets), B, Outputs, default, default, B);
        return metrics;
    }

    private static float* Pointer(float[] pinned) => (float*)Unsafe.AsPointer(ref pinned[0]);
}
