using System.Runtime.InteropServices;

using FastMlp.Serve;

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FastMlp.Peers.Peers;

/// <summary>
/// ONNX Runtime behind samples/FastMlp.Serve's endpoint (its <see cref="IRowModelSource"/> seam), for the serving
/// load: one session (<see cref="OnnxPeer.CreateSession"/>, 1 intra-op thread as the Predictor's one thread per
/// call) shared by every request (InferenceSession.Run is thread-safe), and per request a Run over two OrtValues
/// that wrap the request's own input and output memory, so ORT reads the parsed body and writes the answer in place
/// as the Predictor does. The model never changes, so every request gets the same <see cref="IRowModel"/> and
/// giving it back does nothing.
/// </summary>
internal sealed class OnnxServeBackend : IRowModelSource, IDisposable
{
    private readonly Session _session;

    /// <param name="network">The network whose ONNX model (<see cref="OnnxModelWriter"/>) the session runs.</param>
    /// <param name="maxBatch">The most rows per request, as the sample's FastMlp:MaxBatch.</param>
    public OnnxServeBackend(Network network, int maxBatch) =>
        _session = new Session(OnnxPeer.CreateSession(OnnxModelWriter.Write(network), threads: 1), network.InputSize, network.OutputSize, maxBatch);

    public IRowModel Acquire() => _session;

    public void Dispose() => _session.Close();

    private sealed class Session(InferenceSession session, int inputSize, int outputSize, int maxBatch) : IRowModel
    {
        private static readonly string[] s_inputNames = [OnnxModelWriter.InputName];
        private static readonly string[] s_outputNames = [OnnxModelWriter.OutputName];
        private readonly RunOptions _runOptions = new();

        public int InputSize => inputSize;

        public int OutputSize => outputSize;

        public int MaxBatch => maxBatch;

        public unsafe void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            long rows = inputs.Length / inputSize;
            fixed (float* x = inputs, y = outputs)
            {
                using OrtValue input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                    [rows, inputSize], (nint)x, (long)inputs.Length * sizeof(float));
                using OrtValue output = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                    [rows, outputSize], (nint)y, rows * outputSize * sizeof(float));
                session.Run(_runOptions, s_inputNames, [input], s_outputNames, [output]);
            }
        }

        /// <summary>A request is done with the session; it stays open for the next one.</summary>
        public void Dispose()
        {
        }

        public void Close()
        {
            _runOptions.Dispose();
            session.Dispose();
        }
    }
}
