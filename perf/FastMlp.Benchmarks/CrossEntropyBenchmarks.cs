using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What the cross-entropy loss pass costs next to the W2 step it serves (issue 9 item 4), at B one-hot rows of
/// 10 classes: the whole W2 <see cref="Trainer.Step"/> (the baseline, 784-256-128-10, ReLU/Softmax, SGD lr 0.01,
/// 1 thread), the loss and exact gradient (P·Σt − T)/B with its negative-target check, the previous
/// (P − T)/B pass for comparison, and a negative-target scan alone over the same B·10 targets. Ratios against
/// the step are only meaningful side by side: run with <c>--inProcess</c> so every case shares one process.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W2", "Loss")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public unsafe class CrossEntropyBenchmarks
{
    private const int Classes = 10;

    private float[] _inputs = [];
    private float[] _targets = [];
    private float[] _probabilities = [];
    private float[] _dZ = [];
    private Trainer? _trainer;

    /// <summary>Samples per step; also the Trainer's maxBatch.</summary>
    [Params(1, 32)]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(B, network.InputSize);
        _targets = GC.AllocateArray<float>(B * Classes, pinned: true);
        NetworkData.OneHotTargets(B, Classes).CopyTo(_targets, 0);
        _dZ = GC.AllocateArray<float>(B * Classes, pinned: true);
        _probabilities = GC.AllocateArray<float>(B * Classes, pinned: true);
        _trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), maxBatch: B, maxDegreeOfParallelism: 1);
        using Workspace workspace = network.CreateWorkspace(B, maxDegreeOfParallelism: 1);
        network.Predict(_inputs, _probabilities, workspace);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Baseline = true, Description = "W2 Trainer.Step")]
    public float Step() => _trainer!.Step(_inputs, _targets);

    [Benchmark(Description = "loss + (P·Σt − T)/B, with the check")]
    public float LossPass() => LossFunctions.Evaluate(Loss.CrossEntropy, Activation.Softmax, Pointer(_probabilities), Pointer(_targets), B, Classes, Pointer(_dZ));

    [Benchmark(Description = "loss + (P − T)/B, before issue 9")]
    public float PreviousLossPass() => PreviousCrossEntropy(Pointer(_probabilities), Pointer(_targets), B * Classes, Pointer(_dZ), 1f / B) / B;

    [Benchmark(Description = "negative-target scan alone")]
    public bool Check()
    {
        float* t = Pointer(_targets);
        for (int i = 0; i < B * Classes; i++)
        {
            if (t[i] < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static float* Pointer(float[] pinned) => (float*)Unsafe.AsPointer(ref pinned[0]);

    /// <summary>The cross-entropy pass as it was before issue 9 (not FastMlp code any more: only a comparison point).</summary>
    private static float PreviousCrossEntropy(float* p, float* t, int length, float* dZ, float scale)
    {
        double total = 0;
        for (int i = 0; i < length; i++)
        {
            if (t[i] != 0)
            {
                total -= t[i] * Math.Max(MathF.Log(p[i]), -87.33655f);
            }

            dZ[i] = (p[i] - t[i]) * scale;
        }

        return (float)total;
    }
}
