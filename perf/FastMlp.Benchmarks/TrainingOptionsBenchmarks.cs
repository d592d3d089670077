using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What issue 14's training options cost on a W2 step (784-256-128-10, Softmax output, cross-entropy, SGD lr 0.01,
/// 1 thread), side by side with the plain ReLU step in one run: dropout 0.5 on both hidden layers, GELU or SiLU
/// hidden layers instead of ReLU. One operation = one <see cref="Trainer.Step"/>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W2", "Training")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class TrainingOptionsBenchmarks
{
    private float[] _inputs = [];
    private float[] _targets = [];
    private Trainer? _trainer;

    /// <summary>The options of the step.</summary>
    public enum StepOptions
    {
        /// <summary>ReLU hidden layers, nothing else: the W2 step.</summary>
        Plain,

        /// <summary>ReLU, dropout 0.5 on both hidden layers.</summary>
        Dropout,

        /// <summary>GELU hidden layers.</summary>
        Gelu,

        /// <summary>SiLU hidden layers.</summary>
        Silu,
    }

    /// <summary>Samples per step; also the Trainer's maxBatch.</summary>
    [Params(1, 32)]
    public int B { get; set; }

    [Params(StepOptions.Plain, StepOptions.Dropout, StepOptions.Gelu, StepOptions.Silu)]
    public StepOptions Options { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Activation hidden = Options switch
        {
            StepOptions.Gelu => Activation.Gelu,
            StepOptions.Silu => Activation.Silu,
            _ => Activation.Relu,
        };
        Network network = Network.Create(NetworkData.MnistShaped, hidden, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(B, network.InputSize);
        _targets = NetworkData.OneHotTargets(B, network.OutputSize);
        _trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), maxBatch: B, maxDegreeOfParallelism: 1);
        if (Options == StepOptions.Dropout)
        {
            _trainer.DropoutRates = [0.5f, 0.5f];
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Description = "Trainer.Step")]
    public float Step() => _trainer!.Step(_inputs, _targets);
}
