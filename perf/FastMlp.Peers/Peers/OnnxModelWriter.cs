namespace FastMlp.Peers.Peers;

/// <summary>
/// A FastMlp <see cref="Network"/> as the ONNX model the library itself writes (<see cref="Network.SaveOnnx(Stream)"/>:
/// opset 13, Gemm per layer with W as stored, the activation in opset-13 operators, input "input" and output "output"
/// float [N, features] with a symbolic batch dimension N, weights as raw_data).
/// </summary>
internal static class OnnxModelWriter
{
    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>The serialized ModelProto: what <c>new InferenceSession(byte[])</c> takes, and the bytes of a .onnx file.</summary>
    public static byte[] Write(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var stream = new MemoryStream();
        network.SaveOnnx(stream);
        return stream.ToArray();
    }
}
