using FastMlp.Benchmarks;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using TorchSharp;
using TorchSharp.Modules;

using static TorchSharp.torch;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W4's network and data: the 2-2-1 sigmoid/sigmoid XOR network (seed 0), the four XOR samples, and each system's
/// per-sample SGD step (lr 0.5, squared error (y − t)²) cycling over them on one thread. FastMlp steps with
/// <see cref="Trainer.Step"/> (Loss.SumSquaredError, batch 1); the scalar floor is <see cref="ScalarXorNetwork"/>;
/// TorchSharp runs the loop a PyTorch user writes (zero_grad, nn.Sequential(Linear, Sigmoid, Linear, Sigmoid),
/// MSELoss, which for one output of one sample is (y − t)², backward, optim.SGD.step) on one [1, 2] input tensor
/// and one [1, 1] target tensor per sample, made once. All keep training from one call to the next.
/// </summary>
internal sealed class TinyNetworkState : IDisposable
{
    private const int Samples = 4;
    private const int CheckSteps = 64;

    // 64 steps of lr 0.5 on parameters of order one, from the same weights: the systems' sigmoids and sums round
    // differently and the differences compound through the updates (measured: 6.0e-8 for the scalar floor, 2.4e-7
    // for TorchSharp, on a scale of 1.12). 1e-5 (× that scale) leaves a margin of forty and is far below what the
    // 64 steps change (up to 0.50) or one step (up to 0.066), so a system that skipped or altered a step fails it.
    private const double Tolerance = 1e-5;

    // XOR: inputs [4, 2], targets [4, 1].
    private readonly float[] _inputs = [0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f];
    private readonly float[] _targets = [0f, 1f, 1f, 0f];

    private Trainer? _trainer;
    private ScalarXorNetwork _scalar = new();
    private Sequential? _model;
    private MSELoss? _criterion;
    private optim.Optimizer? _optimizer;
    private Tensor[] _x = [];
    private Tensor[] _t = [];

    /// <summary>Builds <paramref name="system"/>'s network from the seed-0 weights; a peer first passes the 64-step check.</summary>
    public void Setup(string system, object benchmark)
    {
        Network network = CreateNetwork();
        switch (system)
        {
            case Systems.FastMlp:
                _trainer = CreateTrainer(network);
                return;
            case Systems.ScalarFloor:
                _scalar = new ScalarXorNetwork(network.Parameters);
                for (int step = 0; step < CheckSteps; step++)
                {
                    StepScalar(step % Samples);
                }

                float[] scalar = new float[ScalarXorNetwork.ParameterCount];
                _scalar.CopyTo(scalar);
                Agreement.Require(benchmark, system, Expected(), scalar, Tolerance, $"the parameters after {CheckSteps} steps");
                return;
            case Systems.Torch:
                TorchPeer.SetThreads(1);
                CreateTorch(network);
                for (int step = 0; step < CheckSteps; step++)
                {
                    StepTorch(step % Samples);
                }

                Agreement.Require(benchmark, system, Expected(), TorchMlp.Parameters(_model!, network), Tolerance, $"the parameters after {CheckSteps} steps");
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(system), system, "Not a W4 system.");
        }
    }

    /// <summary><paramref name="cycles"/> passes over the four samples, one step each; returns the summed loss.</summary>
    public float RunFastMlp(int cycles)
    {
        float loss = 0f;
        for (int c = 0; c < cycles; c++)
        {
            for (int s = 0; s < Samples; s++)
            {
                loss += StepFastMlp(s);
            }
        }

        return loss;
    }

    /// <inheritdoc cref="RunFastMlp"/>
    public float RunScalarFloor(int cycles)
    {
        float loss = 0f;
        for (int c = 0; c < cycles; c++)
        {
            for (int s = 0; s < Samples; s++)
            {
                loss += StepScalar(s);
            }
        }

        return loss;
    }

    /// <inheritdoc cref="RunFastMlp"/>
    public float RunTorch(int cycles)
    {
        float loss = 0f;
        for (int c = 0; c < cycles; c++)
        {
            for (int s = 0; s < Samples; s++)
            {
                loss += StepTorch(s);
            }
        }

        return loss;
    }

    public void Dispose()
    {
        _trainer?.Dispose();
        _optimizer?.Dispose();
        _criterion?.Dispose();
        _model?.Dispose();
        foreach (Tensor tensor in _x.Concat(_t))
        {
            tensor.Dispose();
        }

        (_trainer, _optimizer, _criterion, _model, _x, _t) = (null, null, null, null, [], []);
    }

    private static Network CreateNetwork() => Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);

    private static Trainer CreateTrainer(Network network) =>
        new(network, Loss.SumSquaredError, new Sgd(ScalarXorNetwork.LearningRate), maxBatch: 1, maxDegreeOfParallelism: 1);

    private float StepFastMlp(int s) => _trainer!.Step(_inputs.AsSpan(2 * s, 2), _targets.AsSpan(s, 1));

    private float StepScalar(int s) => _scalar.Step(_inputs[2 * s], _inputs[(2 * s) + 1], _targets[s]);

    /// <summary>One PyTorch step on sample <paramref name="s"/>; the dispose scope frees its output, loss and autograd temporaries.</summary>
    private float StepTorch(int s)
    {
        using DisposeScope scope = NewDisposeScope();
        _optimizer!.zero_grad();
        Tensor loss = _criterion!.call(_model!.call(_x[s]), _t[s]);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>FastMlp's parameters after <see cref="CheckSteps"/> steps from the seed-0 weights.</summary>
    private float[] Expected()
    {
        Network network = CreateNetwork();
        using Trainer trainer = CreateTrainer(network);
        for (int step = 0; step < CheckSteps; step++)
        {
            int s = step % Samples;
            trainer.Step(_inputs.AsSpan(2 * s, 2), _targets.AsSpan(s, 1));
        }

        return network.Parameters.ToArray();
    }

    private void CreateTorch(Network network)
    {
        _model = TorchMlp.FromNetwork(network, outputActivation: true);
        _criterion = nn.MSELoss();
        _optimizer = optim.SGD(_model.parameters(), ScalarXorNetwork.LearningRate);
        _x = [.. Enumerable.Range(0, Samples).Select(s => tensor(_inputs.AsSpan(2 * s, 2).ToArray(), [1, 2]))];
        _t = [.. Enumerable.Range(0, Samples).Select(s => tensor(_targets.AsSpan(s, 1).ToArray(), [1, 1]))];
    }
}
