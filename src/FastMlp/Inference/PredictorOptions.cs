// What one Predictor is built for: the largest batch a call may pass, the threads a call may use and the
// format its weights are kept in. All are fixed when the predictor is created: its pooled scratch memory is
// sized by the first two, and its weights are converted once.
namespace FastMlp;

/// <summary>Options of <see cref="Predictor.Create"/> and <see cref="Predictor.Load(string, PredictorOptions?)"/>.</summary>
public sealed class PredictorOptions
{
    /// <summary>The largest batch one Predict call accepts; at least 1.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>The most threads one call may use: 1 (the calling thread only, the default), more, or -1 for all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>The format the predictor keeps its weights in: Float32 (the default), BFloat16 or Int8.</summary>
    public PredictorPrecision Precision { get; init; } = PredictorPrecision.Float32;
}
