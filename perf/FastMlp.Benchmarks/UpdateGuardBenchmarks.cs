using System.Diagnostics.CodeAnalysis;

using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What the update guard (src/FastMlp/Training/Trainer.Update.cs) adds to a W2 step at batch 1 (784-256-128-10,
/// plain SGD lr 0.01, one thread, the gradients kept so no step fuses its update): <see cref="Step"/> against <see cref="StepUnguarded"/>, a twin trainer with the
/// guard switched off (Trainer.GuardsUpdates, internal), and the guard's parts: <see cref="UpdateTracked"/> −
/// <see cref="UpdateUntracked"/> (the SGD update keeping max |p|, against the same arithmetic without it (UserSgd), on the same
/// 235,146 parameters and gradients) plus <see cref="Proof"/> (binding check, cached magnitude, the bound and its
/// record). <see cref="ReadParameters"/> is the read pass the cached magnitude avoids, and <see cref="StepCustomOptimizer"/>
/// the step of a custom IOptimizer with the same update, whose parameters the guard copies and checks every step.
/// On a shared machine, GuardHarness (the <c>guard</c> command) measures the two steps more robustly, in alternating rounds.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("W2", "Training", "Guard")]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes.")]
public class UpdateGuardBenchmarks
{
    private const float LearningRate = 0.01f;
    private float[] _inputs = [];
    private float[] _targets = [];
    private Network? _network;
    private Trainer? _trainer;
    private Trainer? _customTrainer;
    private Trainer? _unguardedTrainer;
    private IGuardedOptimizer? _guarded;

    [GlobalSetup]
    public void Setup()
    {
        _network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        Network custom = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        Network unguarded = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(1, _network.InputSize);
        _targets = NetworkData.OneHotTargets(1, _network.OutputSize);
        var sgd = new Sgd(LearningRate);
        _guarded = sgd;
        _trainer = new Trainer(_network, Loss.CrossEntropy, sgd, maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        _customTrainer = new Trainer(custom, Loss.CrossEntropy, new UserSgd(LearningRate), maxBatch: 1, maxDegreeOfParallelism: 1);
        _unguardedTrainer = new Trainer(unguarded, Loss.CrossEntropy, new Sgd(LearningRate), maxBatch: 1, maxDegreeOfParallelism: 1) { GuardsUpdates = false };
        _trainer.Step(_inputs, _targets);
        _customTrainer.Step(_inputs, _targets);
        _unguardedTrainer.Step(_inputs, _targets);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _customTrainer?.Dispose();
        _unguardedTrainer?.Dispose();
        (_trainer, _customTrainer, _unguardedTrainer) = (null, null, null);
    }

    [Benchmark(Description = "Trainer.Step (guarded)")]
    public float Step() => _trainer!.Step(_inputs, _targets);

    [Benchmark(Description = "Trainer.Step, guard off")]
    public float StepUnguarded() => _unguardedTrainer!.Step(_inputs, _targets);

    [Benchmark(Description = "update, tracking max |p|")]
    public float UpdateTracked() =>
        UpdateDriver.Run(new SgdRule(LearningRate), _trainer!.Gradients, default, default, _network!.ParameterBuffer.Span).Parameters;

    [Benchmark(Description = "update, untracked")]
    public float UpdateUntracked()
    {
        UserSgd.Update(-LearningRate, _trainer!.Gradients, _network!.ParameterBuffer.Span);
        return 0f;
    }

    [Benchmark(Description = "proof: bind, cached |p|, bound, record")]
    public bool Proof()
    {
        Network network = _network!;
        long taken = network.ParametersTaken;
        _guarded!.Bind(network.ParameterBuffer);
        float known = network.LargestParameter(taken);
        bool proven = _guarded.Bounded(10.0, known) && _guarded.StateFinite;
        network.RecordLargestParameter(known, taken);
        return proven;
    }

    [Benchmark(Description = "read pass over the parameters")]
    public float ReadParameters() => MaxAbsolute.OrNaN(_network!.ParameterBuffer.Span);

    [Benchmark(Description = "Trainer.Step, custom IOptimizer")]
    public float StepCustomOptimizer() => _customTrainer!.Step(_inputs, _targets);
}
