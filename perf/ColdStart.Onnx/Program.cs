// ColdStart.Onnx: the ONNX Runtime twin of perf/ColdStart: loads the W3 .onnx file into an InferenceSession
// configured as perf/FastMlp.Peers' OnnxPeer does (CPU provider, 1 intra-op thread, sequential, every graph
// optimization, so the Gemm weights are pre-packed at load), binds the probe's input and output arrays once
// (IOBinding, the zero-copy path) and answers through RunWithBinding (ColdStartProbe).
using FastMlp.ColdStart;

using Microsoft.ML.OnnxRuntime;

return ColdStartProbe.Run(args, static (path, input, output) => new OnnxEngine(path, input, output));

/// <summary>An InferenceSession over the model file with its input and output bound to the probe's arrays.</summary>
internal sealed class OnnxEngine : IColdStartEngine
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    public OnnxEngine(string path, float[] input, float[] output)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(path, options);
        _input = OrtValue.CreateTensorValueFromMemory(input, [1, ColdStartProbe.InputSize]);
        _output = OrtValue.CreateTensorValueFromMemory(output, [1, ColdStartProbe.OutputSize]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);
    }

    public void Predict() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _output.Dispose();
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
