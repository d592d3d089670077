using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using TorchSharp;
using TorchSharp.Modules;

using static TorchSharp.torch;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// One W2 case: the 784-256-128-10 ReLU/softmax network (seed 0), a batch of B seeded inputs and one-hot targets,
/// and each system's training step on them (SGD lr 0.01, cross-entropy, the batch mean). FastMlp steps with
/// <see cref="Trainer.Step"/>; TorchSharp runs the loop a PyTorch user writes (zero_grad, forward through the
/// nn.Sequential of the same weights ending in logits, CrossEntropyLoss on int64 class indices, backward,
/// optim.SGD.step) on an input tensor made once. Both keep training from one call to the next; a step's cost does
/// not depend on the parameters' values.
/// </summary>
internal sealed class TrainingStepState : IDisposable
{
    public const float LearningRate = 0.01f;

    // The loss is a mean of B log-probabilities of order ln 10 ≈ 2.3 from sums of up to 784 products; the two
    // summation orders differ by float rounding (measured: 2.4e-7, one ulp, at B = 1..1024). 1e-5 relative
    // (Agreement scales by |loss|) leaves a margin of about a hundred.
    private const double LossTolerance = 1e-5;

    // Parameters of order 0.1 after one update p − 0.01·g: the gradients differ by float rounding, so the parameters
    // by about one ulp (measured: 1.5e-8). 1e-6 leaves a margin of sixty and is far below the largest update itself
    // (measured: 2.4e-3 to 1.6e-2), so a step that skipped or doubled the update, or used another rate, fails it.
    private const double ParameterTolerance = 1e-6;

    private float[] _inputs = [];
    private float[] _targets = [];
    private Trainer? _trainer;
    private Sequential? _model;
    private CrossEntropyLoss? _criterion;
    private optim.Optimizer? _optimizer;
    private Tensor? _x;
    private Tensor? _y;

    public void Setup(int batch, int threads, string system, object benchmark)
    {
        Network network = CreateNetwork();
        _inputs = NetworkData.Inputs(batch, network.InputSize);
        _targets = NetworkData.OneHotTargets(batch, network.OutputSize);
        switch (system)
        {
            case Systems.FastMlp:
                _trainer = CreateTrainer(network, batch, threads);
                return;
            case Systems.Torch:
                TorchPeer.SetThreads(threads);
                CreateTorch(network, batch);
                Check(network, batch, threads, benchmark);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(system), system, "Not a W2 system.");
        }
    }

    public float RunFastMlp() => _trainer!.Step(_inputs, _targets);

    /// <summary>The PyTorch training step; the dispose scope frees the step's output, loss and autograd temporaries.</summary>
    public float RunTorch()
    {
        using DisposeScope scope = NewDisposeScope();
        _optimizer!.zero_grad();
        Tensor loss = _criterion!.call(_model!.call(_x!), _y!);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _trainer?.Dispose();
        _optimizer?.Dispose();
        _criterion?.Dispose();
        _model?.Dispose();
        _x?.Dispose();
        _y?.Dispose();
        (_trainer, _optimizer, _criterion, _model, _x, _y) = (null, null, null, null, null, null);
    }

    private static Network CreateNetwork() => Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);

    private static Trainer CreateTrainer(Network network, int batch, int threads) =>
        new(network, Loss.CrossEntropy, new Sgd(LearningRate), maxBatch: batch, maxDegreeOfParallelism: threads);

    /// <summary>The model holding <paramref name="network"/>'s weights, its loss and optimizer, and the batch as tensors.</summary>
    private void CreateTorch(Network network, int batch)
    {
        _model = TorchMlp.FromNetwork(network, outputActivation: false);
        _criterion = nn.CrossEntropyLoss();
        _optimizer = optim.SGD(_model.parameters(), LearningRate);
        _x = tensor(_inputs, [batch, network.InputSize]);
        _y = tensor(ClassIndices(_targets, network.OutputSize), [batch]);
    }

    /// <summary>
    /// One step of each from the same starting weights (the torch model was just copied from <paramref name="network"/>)
    /// on the same batch: the same loss, and the same parameters afterwards.
    /// </summary>
    private void Check(Network network, int batch, int threads, object benchmark)
    {
        float torchLoss = RunTorch();
        using (Trainer trainer = CreateTrainer(network, batch, threads))
        {
            float loss = trainer.Step(_inputs, _targets);
            Agreement.Require(benchmark, Systems.Torch, [loss], [torchLoss], LossTolerance, "the loss of one step");
        }

        Agreement.Require(benchmark, Systems.Torch, network.Parameters, TorchMlp.Parameters(_model!, network), ParameterTolerance, "the parameters after one step");
    }

    /// <summary>The class of each one-hot row, as the int64 indices CrossEntropyLoss takes.</summary>
    private static long[] ClassIndices(float[] oneHot, int classes)
    {
        long[] indices = new long[oneHot.Length / classes];
        for (int r = 0; r < indices.Length; r++)
        {
            indices[r] = oneHot.AsSpan(r * classes, classes).IndexOf(1f);
        }

        return indices;
    }
}
