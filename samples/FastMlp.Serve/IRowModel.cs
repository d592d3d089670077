// The seam between the /predict pipeline and what computes its answers. PredictEndpoint acquires one IRowModel per
// request, after the body is read, and does everything that depends on a model with it: checks the rows against
// InputSize and MaxBatch, runs Predict, cuts the outputs into rows of OutputSize, then disposes it. A backend whose
// model can change (PredictorBackend: a reloadable model file) hands out a lease, so one request never sees the
// shape of one model and the answers of another; the peer suite puts ONNX Runtime behind the same seam.
namespace FastMlp.Serve;

/// <summary>One model's shape and forward pass, unchanged until <see cref="IDisposable.Dispose"/> gives it back.</summary>
internal interface IRowModel : IDisposable
{
    /// <summary>Values per input row.</summary>
    int InputSize { get; }

    /// <summary>Values per output row.</summary>
    int OutputSize { get; }

    /// <summary>The most rows one request may hold.</summary>
    int MaxBatch { get; }

    /// <summary>outputs [rows, OutputSize] for inputs [rows, InputSize], 1 ≤ rows ≤ MaxBatch, finite values (the endpoint checks all of it first).</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs);
}

/// <summary>The backend behind /predict: a singleton service that hands each request the model to use.</summary>
internal interface IRowModelSource
{
    /// <summary>The model serving now, held for one request (dispose it when the request is answered).</summary>
    IRowModel Acquire();
}
