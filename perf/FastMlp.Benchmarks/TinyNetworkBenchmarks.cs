using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

namespace FastMlp.Benchmarks;

/// <summary>
/// W4: the 2-2-1 sigmoid/sigmoid XOR network, Loss.SumSquaredError ((y − t)² per sample), per-sample SGD
/// lr 0.5, through the public API (Network.Create, Trainer with maxBatch 1 and 1 thread). One operation = one
/// <see cref="Trainer.Step"/> on one sample; each invocation runs <see cref="StepsPerInvoke"/> steps cycling
/// over the four XOR samples (OperationsPerInvoke), so the time columns are nanoseconds per step and the
/// timer's resolution does not dominate. The baseline in the same class is the same math written as scalar
/// C# fields (no arrays), starting from the same initial parameters; Setup checks that both agree. Both keep
/// training from one call to the next.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W4", "TinyNetwork")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class TinyNetworkBenchmarks
{
    /// <summary>Passes over the four XOR samples per invocation.</summary>
    public const int Cycles = 256;

    /// <summary>Steps per benchmark invocation: 4 samples × <see cref="Cycles"/>.</summary>
    public const int StepsPerInvoke = 4 * Cycles;

    // XOR: inputs [4, 2], targets [4, 1].
    private readonly float[] _inputs = [0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f];
    private readonly float[] _targets = [0f, 1f, 1f, 0f];

    private Trainer? _trainer;
    private ScalarXorNetwork _scalar = new();

    [GlobalSetup]
    public void Setup()
    {
        CheckSameMath();
        Network network = CreateNetwork();
        _scalar = new ScalarXorNetwork(network.Parameters);
        _trainer = CreateTrainer(network);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _trainer = null;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke, Description = "FastMlp Trainer.Step, batch 1")]
    public float TrainerStep()
    {
        Trainer trainer = _trainer!;
        float[] inputs = _inputs;
        float[] targets = _targets;
        float loss = 0f;
        for (int c = 0; c < Cycles; c++)
        {
            for (int s = 0; s < 4; s++)
            {
                loss += trainer.Step(inputs.AsSpan(2 * s, 2), targets.AsSpan(s, 1));
            }
        }

        return loss;
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke, Description = "Baseline: scalar C# fields")]
    public float ScalarFields()
    {
        ScalarXorNetwork scalar = _scalar;
        float[] inputs = _inputs;
        float[] targets = _targets;
        float loss = 0f;
        for (int c = 0; c < Cycles; c++)
        {
            for (int s = 0; s < 4; s++)
            {
                loss += scalar.Step(inputs[2 * s], inputs[(2 * s) + 1], targets[s]);
            }
        }

        return loss;
    }

    private static Network CreateNetwork() => Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);

    private static Trainer CreateTrainer(Network network) =>
        new(network, Loss.SumSquaredError, new Sgd(ScalarXorNetwork.LearningRate), maxBatch: 1, maxDegreeOfParallelism: 1);

    /// <summary>
    /// Trains a fresh copy of both for 64 steps and compares the parameters, so the baseline provably does
    /// the same work as the library (a baseline that skipped part of the math would look fast for nothing).
    /// </summary>
    private void CheckSameMath()
    {
        Network network = CreateNetwork();
        var scalar = new ScalarXorNetwork(network.Parameters);
        using Trainer trainer = CreateTrainer(network);
        for (int step = 0; step < 64; step++)
        {
            int s = step % 4;
            trainer.Step(_inputs.AsSpan(2 * s, 2), _targets.AsSpan(s, 1));
            scalar.Step(_inputs[2 * s], _inputs[(2 * s) + 1], _targets[s]);
        }

        Span<float> expected = stackalloc float[ScalarXorNetwork.ParameterCount];
        scalar.CopyTo(expected);
        ReadOnlySpan<float> actual = network.Parameters;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - actual[i]) <= 1e-4f))
            {
                throw new InvalidOperationException(
                    $"The scalar baseline and Trainer.Step disagree after 64 steps at parameter {i}: {expected[i]} vs {actual[i]}.");
            }
        }
    }
}
