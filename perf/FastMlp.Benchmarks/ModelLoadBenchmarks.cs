using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Benchmarks;

/// <summary>
/// What loading a model from ONNX or a PyTorch state_dict costs next to FastMlp's own file (issue 15), side by side
/// in one process: the same W2-shaped network (784-256-128-10, ReLU, softmax) saved with Save (safetensors, the
/// baseline), SaveOnnx and SavePyTorch, each loaded from a MemoryStream over its bytes (so no disk), the whole call.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Model", "Load")]
public class ModelLoadBenchmarks
{
    private static readonly Activation[] s_activations = [Activation.Relu, Activation.Relu, Activation.Softmax];

    private byte[] _safetensors = [];
    private byte[] _onnx = [];
    private byte[] _pytorch = [];

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
        using var pytorch = new MemoryStream();
        network.SavePyTorch(pytorch);
        _pytorch = pytorch.ToArray();
    }

    [Benchmark(Baseline = true, Description = "Load (safetensors)")]
    public Network Load() => Network.Load(new MemoryStream(_safetensors, writable: false));

    [Benchmark(Description = "LoadOnnx")]
    public Network LoadOnnx() => Network.LoadOnnx(new MemoryStream(_onnx, writable: false));

    [Benchmark(Description = "LoadPyTorch")]
    public Network LoadPyTorch() => Network.LoadPyTorch(new MemoryStream(_pytorch, writable: false), s_activations);
}
