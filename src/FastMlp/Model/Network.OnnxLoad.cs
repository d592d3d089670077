// Network.OnnxLoad: LoadOnnx reads an MLP from an ONNX graph as the common exporters write it (OnnxReader,
// OnnxGraphMapper): torch.onnx.export's TorchScript exporter (Gemm, transB = 1), the dynamo exporter (Transpose,
// MatMul, Add), tf2onnx's Keras Dense (MatMul, Add), and SaveOnnx's own graphs.
namespace FastMlp;

public sealed partial class Network
{
    /// <summary>
    /// Reads a network from an ONNX model: one float input [batch, in], one output, and per layer Gemm(x, W, b)
    /// (alpha = beta = 1, transA = 0, transB 0 or 1), MatMul(x, W) with an optional Add of the bias, or
    /// MatMul(x, Transpose(W)) + Add, then optionally Relu, Sigmoid, Tanh, LeakyRelu (alpha 0.01), Softmax (last axis,
    /// output layer), SiLU as Mul(z, Sigmoid(z)), GELU in torch's erf form or the Gelu operator; Identity nodes pass
    /// through. Weights are initializers or Constant nodes (raw_data or typed data; FLOAT, FLOAT16 or DOUBLE, read as
    /// float). Node order does not matter. Non-seekable streams work (up to 512 MiB). Reads to the end of the stream.
    /// </summary>
    /// <exception cref="ModelFormatException">The data is not such a model; <see cref="ModelFormatException.Reason"/> says why, and the message names the first node that cannot be mapped.</exception>
    public static Network LoadOnnx(Stream stream) => LoadOnnx(stream, null);

    /// <summary>Reads a network from an ONNX model (see <see cref="LoadOnnx(Stream)"/>) with <paramref name="options"/>.</summary>
    /// <exception cref="ModelFormatException">The data is not such a model; <see cref="ModelFormatException.Reason"/> says why.</exception>
    public static Network LoadOnnx(Stream stream, ModelLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return OnnxReader.Read(stream, options);
    }

    /// <summary>Reads a network from the ONNX file at <paramref name="path"/> (see <see cref="LoadOnnx(Stream)"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not such a model; <see cref="ModelFormatException.Reason"/> says why.</exception>
    public static Network LoadOnnx(string path) => LoadOnnx(path, null);

    /// <summary>Reads a network from the ONNX file at <paramref name="path"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not such a model; <see cref="ModelFormatException.Reason"/> says why.</exception>
    public static Network LoadOnnx(string path, ModelLoadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return OnnxReader.Read(file, options);
    }
}
