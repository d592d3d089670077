// Network.Onnx: SaveOnnx writes the network as a standard ONNX graph (OnnxWriter) that ONNX Runtime and other
// ONNX tools run. Saving only reads the parameters, so it may run while other threads predict. Saving to a path
// is atomic, as Save(string) is.
namespace FastMlp;

public sealed partial class Network
{
    /// <summary>
    /// Writes the network as an ONNX model (opset 13): per layer a Gemm with W as [in, out] and the bias, then the
    /// activation in opset-13 operators (SiLU as Mul(z, Sigmoid(z)), GELU as 0.5·z·(1 + Erf(z/√2))); input "input"
    /// and output "output", float [N, features] with a symbolic batch dimension N; weights as float raw_data. The
    /// same model gives the same bytes. The stream is left open.
    /// </summary>
    /// <exception cref="NotSupportedException">The model exceeds protobuf's 2 GiB message limit; nothing is written.</exception>
    public void SaveOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(OnnxBytes());
    }

    /// <summary>Writes the ONNX model to <paramref name="path"/> atomically (see <see cref="Save(string)"/>).</summary>
    public void SaveOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = OnnxBytes();
        WriteAtomically(path, file => file.Write(bytes));
    }

    private byte[] OnnxBytes()
    {
        // Every message holds its parameters once plus a few bytes a node; protobuf caps a message at 2 GiB.
        if ((long)Layout.Count * sizeof(float) > int.MaxValue - (1L << 24))
        {
            throw new NotSupportedException($"The network has {Layout.Count} parameters; an ONNX file (a protobuf message under 2 GiB) holds at most about {(int.MaxValue - (1 << 24)) / sizeof(float)}.");
        }

        return OnnxWriter.Write(this);
    }
}
