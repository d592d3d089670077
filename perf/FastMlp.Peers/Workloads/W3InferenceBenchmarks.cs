using BenchmarkDotNet.Attributes;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W3 throughput: the 784-256-128-10 ReLU/Softmax network (seed 0) on B = 8, 64, 256 samples per call, 1 and 2
/// threads: FastMlp's Network.Predict with a Workspace and its Predictor (what a service calls), ONNX Runtime through IOBinding (the zero-copy path) and
/// through the classic Run(NamedOnnxValue) API on the model <see cref="Peers.OnnxModelWriter"/> writes from the same
/// network, and TorchSharp's nn.Sequential under inference_mode; and reduced precision (issue 16): the Predictor at
/// BFloat16 and Int8 and ONNX Runtime's int8 graph (<see cref="Peers.OnnxInt8ModelWriter"/>, IOBinding). One
/// operation = one call of B samples, so samples/s = B / median. Each system's setup first checks its probabilities
/// against FastMlp's (<see cref="InferenceOperands.AgreementTolerance"/>). Batch 1 is timed per call by <see cref="W3Latency"/>.
/// </summary>
[MemoryDiagnoser]
[PeerGroup("W3", "W3 inference throughput")]
public class W3InferenceBenchmarks : IPeerBenchmark
{
    private readonly InferenceOperands _operands = new();

    [Params(8, 64, 256)]
    public int B { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double WorkPerOperation(Func<string, object?> parameter) => (int)parameter(nameof(B))!;

    public static bool InQuickRun(Func<string, object?> parameter) => parameter(nameof(B)) is 64;

    [GlobalSetup(Target = nameof(FastMlp))]
    public void SetupFastMlp() => Setup(Systems.FastMlp);

    [GlobalSetup(Target = nameof(Predictor))]
    public void SetupPredictor() => Setup(Systems.Predictor);

    [GlobalSetup(Target = nameof(PredictorBFloat16))]
    public void SetupPredictorBFloat16() => Setup(Systems.PredictorBFloat16);

    [GlobalSetup(Target = nameof(PredictorInt8))]
    public void SetupPredictorInt8() => Setup(Systems.PredictorInt8);

    [GlobalSetup(Target = nameof(OrtInt8))]
    public void SetupOrtInt8() => Setup(Systems.OrtInt8);

    [GlobalSetup(Target = nameof(OrtIoBinding))]
    public void SetupOrtIoBinding() => Setup(Systems.OrtIoBinding);

    [GlobalSetup(Target = nameof(OrtRun))]
    public void SetupOrtRun() => Setup(Systems.OrtRun);

    [GlobalSetup(Target = nameof(Torch))]
    public void SetupTorch() => Setup(Systems.Torch);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark(Baseline = true)]
    public void FastMlp() => _operands.RunFastMlp();

    [Benchmark]
    public void Predictor() => _operands.RunPredictor();

    [Benchmark]
    public void PredictorBFloat16() => _operands.RunPredictor();

    [Benchmark]
    public void PredictorInt8() => _operands.RunPredictor();

    [Benchmark]
    public void OrtInt8() => _operands.RunOrtIoBinding();

    [Benchmark]
    public void OrtIoBinding() => _operands.RunOrtIoBinding();

    [Benchmark]
    public void OrtRun() => _operands.RunOrtRun();

    [Benchmark]
    public void Torch() => _operands.RunTorch();

    /// <summary>
    /// Sets the system up, checks a peer against FastMlp, then measures what one call allocates. No extra warm-up:
    /// the suite runs with tiered compilation off (FastMlp.Peers.csproj), so nothing is timed on tier-0 code.
    /// </summary>
    private void Setup(string system)
    {
        _operands.Setup(B, Threads, system);
        if (system != Systems.FastMlp)
        {
            Agreement.Require(this, system, _operands.Expected, _operands.Output, _operands.AgreementTolerance, "probabilities");
        }

        Allocations.Measure(this, system, _operands.Runner(system));
    }
}
