using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What loading a model from ONNX costs next to FastMlp's own file (issue 15), side by side in one process: the
/// same W2-shaped network (784-256-128-10, ReLU, softmax) saved once with Save (safetensors, the baseline) and once
/// with SaveOnnx, each loaded from a MemoryStream over its bytes (so no disk), the whole Load or LoadOnnx call.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Model", "Load")]
public class ModelLoadBenchmarks
{
    private byte[] _safetensors = [];
    private byte[] _onnx = [];

    [GlobalSetup]
    public void Setup()
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        using var safetensors = new MemoryStream();
        network.Save(safetensors);
        _safetensors = safetensors.ToArray();
        using var onnx = new MemoryStream();
        network.SaveOnnx(onnx);
        _onnx = onnx.ToArray();
    }

    [Benchmark(Baseline = true, Description = "Load (safetensors)")]
    public Network Load() => Network.Load(new MemoryStream(_safetensors, writable: false));

    [Benchmark(Description = "LoadOnnx")]
    public Network LoadOnnx() => Network.LoadOnnx(new MemoryStream(_onnx, writable: false));
}
