using FastMlp.Benchmarks;

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FastMlp.Peers.Peers;

/// <summary>
/// ONNX Runtime's int8 graph (<see cref="OnnxInt8ModelWriter"/>, DynamicQuantizeMatMul, as the W3 benchmarks run it)
/// as rows of the precision-accuracy harness (perf/FastMlp.Benchmarks' PrecisionAccuracyHarness, linked here), run as
/// <c>dotnet run -c Release --project perf/FastMlp.Peers -- precision-accuracy</c>. Its activations get one scale per
/// call's whole [batch, features] tensor, so its answers depend on the batch: one row feeds the test digits one at a
/// time (a scale per digit, as FastMlp's per-row Int8), one in calls of 64.
/// </summary>
internal static class OnnxInt8Accuracy
{
    public static IReadOnlyList<PeerOutputs> Rows { get; } =
    [
        new("ONNX Runtime int8, batch 1", (network, test) => Outputs(network, test, batch: 1)),
        new("ONNX Runtime int8, batches of 64", (network, test) => Outputs(network, test, batch: 64)),
    ];

    private static float[] Outputs(Network network, Dataset test, int batch)
    {
        using InferenceSession session = OnnxPeer.CreateSession(OnnxInt8ModelWriter.Write(network, Int8Graph.DynamicQuantizeMatMul), threads: 1);
        var outputs = new float[test.Count * network.OutputSize];
        for (int first = 0; first < test.Count; first += batch)
        {
            int rows = Math.Min(batch, test.Count - first);
            var input = new DenseTensor<float>(test.Features.Slice(first * network.InputSize, rows * network.InputSize).ToArray(), [rows, network.InputSize]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelWriter.InputName, input)]);
            ((DenseTensor<float>)results[0].AsTensor<float>()).Buffer.Span.CopyTo(outputs.AsSpan(first * network.OutputSize, rows * network.OutputSize));
        }

        return outputs;
    }
}
