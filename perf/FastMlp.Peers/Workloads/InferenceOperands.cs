using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

using TorchSharp;
using TorchSharp.Modules;

using TorchTensor = TorchSharp.torch.Tensor;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// One W3 case for one system: the 784-256-128-10 ReLU/Softmax network (seed 0), B seeded inputs, a preallocated
/// [B, 10] output, and the system's own copy of the network: FastMlp's Workspace, a Predictor (Float32, BFloat16 or
/// Int8), an ONNX Runtime session over the model <see cref="OnnxModelWriter"/> writes from the network (IOBinding over
/// the same input and output arrays, or the classic Run API) or over <see cref="OnnxInt8ModelWriter"/>'s int8 graph
/// (IOBinding), or <see cref="TorchMlp"/>'s nn.Sequential. <see cref="Setup"/> sets the system's threads, runs it
/// once into <see cref="Output"/> and keeps FastMlp's probabilities in <see cref="Expected"/>, so a caller checks the
/// pair (<see cref="AgreementTolerance"/>) before timing. One instance per system, so the latency
/// harness can hold every system's case at once and alternate them.
/// </summary>
internal sealed class InferenceOperands : IDisposable
{
    /// <summary>
    /// Absolute, on probabilities in [0, 1]: every system computes the same fp32 sums (784, 256 and 128 terms of
    /// products of order 0.1) in its own order and with its own exp; measured here the largest difference is
    /// 6e-8 for ONNX Runtime and 2.4e-7 for TorchSharp. 1e-5 is 40× above that and far below what a wrong weight,
    /// layout or activation does to a probability (of order 1e-2 and more).
    /// </summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// What the system set up last must agree with FastMlp's float probabilities within: <see cref="Tolerance"/> for a
    /// float system, <see cref="ReducedPrecisionError.Tolerance"/> (6 σ of the worst output under its rounding-error
    /// model, from these weights and inputs) for a bfloat16 or int8 one.
    /// </summary>
    public double AgreementTolerance { get; private set; } = Tolerance;

    private Network? _network;
    private float[] _inputs = [];
    private Workspace? _workspace;
    private Predictor? _predictor;
    private InferenceSession? _session;
    private OrtValue? _ortInput;
    private OrtValue? _ortOutput;
    private OrtIoBinding? _binding;
    private RunOptions? _runOptions;
    private NamedOnnxValue[] _namedInputs = [];
    private Sequential? _torchModel;
    private TorchTensor? _torchInput;

    /// <summary>FastMlp's probabilities for the inputs, [B, 10].</summary>
    public float[] Expected { get; private set; } = [];

    /// <summary>Where every run writes its probabilities, [B, 10].</summary>
    public float[] Output { get; private set; } = [];

    public void Setup(int batch, int threads, string system)
    {
        Dispose();
        _network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        _inputs = NetworkData.Inputs(batch, _network.InputSize);
        Output = new float[batch * _network.OutputSize];
        _workspace = _network.CreateWorkspace(maxBatch: batch, maxDegreeOfParallelism: threads);
        RunFastMlp();
        Expected = (float[])Output.Clone();
        Array.Fill(Output, float.NaN);
        AgreementTolerance = system switch
        {
            Systems.PredictorBFloat16 => ReducedPrecisionError.Tolerance(_network, _inputs, batch, PredictorPrecision.BFloat16),
            Systems.PredictorInt8 or Systems.OrtInt8 => ReducedPrecisionError.Tolerance(_network, _inputs, batch, PredictorPrecision.Int8),
            _ => Tolerance,
        };
        switch (system)
        {
            case Systems.FastMlp:
                RunFastMlp();
                return;
            case Systems.Predictor or Systems.PredictorBFloat16 or Systems.PredictorInt8:
                PredictorPrecision precision = system switch
                {
                    Systems.PredictorBFloat16 => PredictorPrecision.BFloat16,
                    Systems.PredictorInt8 => PredictorPrecision.Int8,
                    _ => PredictorPrecision.Float32,
                };
                _predictor = Predictor.Create(_network, new PredictorOptions { MaxBatch = batch, MaxDegreeOfParallelism = threads, Precision = precision });
                RunPredictor();
                return;
            case Systems.OrtIoBinding or Systems.OrtInt8:
                // The int8 graph as ORT's quantize_dynamic writes it (DynamicQuantizeMatMul, the fastest of the three
                // forms OnnxInt8ModelWriter writes, which all ran within 4% of each other here).
                _session = OnnxPeer.CreateSession(system == Systems.OrtInt8 ? OnnxInt8ModelWriter.Write(_network, Int8Graph.DynamicQuantizeMatMul) : OnnxModelWriter.Write(_network), threads);
                _ortInput = OrtValue.CreateTensorValueFromMemory(_inputs, [batch, _network.InputSize]);
                _ortOutput = OrtValue.CreateTensorValueFromMemory(Output, [batch, _network.OutputSize]);
                _binding = _session.CreateIoBinding();
                _binding.BindInput(OnnxModelWriter.InputName, _ortInput);
                _binding.BindOutput(OnnxModelWriter.OutputName, _ortOutput);
                _runOptions = new RunOptions();
                RunOrtIoBinding();
                return;
            case Systems.OrtRun:
                _session = OnnxPeer.CreateSession(OnnxModelWriter.Write(_network), threads);
                _namedInputs = [NamedOnnxValue.CreateFromTensor(OnnxModelWriter.InputName,
                    new DenseTensor<float>(_inputs, [batch, _network.InputSize]))];
                RunOrtRun();
                return;
            case Systems.Torch:
                TorchPeer.SetThreads(threads);
                _torchModel = TorchMlp.FromNetwork(_network, outputActivation: true);
                _torchModel.eval();
                _torchInput = torch.tensor(_inputs, [batch, _network.InputSize]);
                RunTorch();
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(system), system, "Not a W3 system.");
        }
    }

    /// <summary>The run method of a system, for the latency harness, which calls each system the same way.</summary>
    public Action Runner(string system) => system switch
    {
        Systems.FastMlp => RunFastMlp,
        Systems.Predictor or Systems.PredictorBFloat16 or Systems.PredictorInt8 => RunPredictor,
        Systems.OrtIoBinding or Systems.OrtInt8 => RunOrtIoBinding,
        Systems.OrtRun => RunOrtRun,
        Systems.Torch => RunTorch,
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "Not a W3 system."),
    };

    public void RunFastMlp() => _network!.Predict(_inputs, Output, _workspace!);

    /// <summary>The service path: one Predictor call (at the case's precision), its scratch memory rented from the predictor's pool.</summary>
    public void RunPredictor() => _predictor!.Predict(_inputs, Output);

    /// <summary>The zero-copy path: the binding made once over OrtValues that wrap the input and output arrays.</summary>
    public void RunOrtIoBinding() => _session!.RunWithBinding(_runOptions!, _binding!);

    /// <summary>The classic API most tutorials show: Run on NamedOnnxValues, copy the result out, dispose the results.</summary>
    public void RunOrtRun()
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _session!.Run(_namedInputs);
        var probabilities = (DenseTensor<float>)results[0].AsTensor<float>();
        probabilities.Buffer.Span.CopyTo(Output);
    }

    /// <summary>forward under inference_mode on the input tensor made once; the scope disposes every tensor forward makes.</summary>
    public void RunTorch()
    {
        using IDisposable scope = torch.NewDisposeScope();
        using IDisposable mode = torch.inference_mode();
        TorchTensor probabilities = _torchModel!.forward(_torchInput!);
        probabilities.data<float>().CopyTo(Output, 0);
    }

    public void Dispose()
    {
        _workspace?.Dispose();
        _predictor?.Dispose();
        _binding?.Dispose();
        _ortInput?.Dispose();
        _ortOutput?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
        _torchInput?.Dispose();
        _torchModel?.Dispose();
        (_workspace, _predictor, _binding, _ortInput, _ortOutput, _runOptions, _session, _namedInputs, _torchInput, _torchModel) =
            (null, null, null, null, null, null, null, [], null, null);
    }
}
