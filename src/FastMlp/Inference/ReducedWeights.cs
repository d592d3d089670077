// The weights of a reduced-precision Predictor (PredictorPrecision.BFloat16, .Int8): every layer's W converted once,
// when the predictor is created, into the format its kernel streams. A layer's forward pass reads them in place of the
// network's float weights; the biases and activations are still the snapshot's. Immutable once built, so any number
// of calls read it at once; per-call scratch comes from the call's Workspace.
namespace FastMlp;

internal abstract unsafe class ReducedWeights
{
    /// <summary>The bytes the converted weights take, without any kernel padding.</summary>
    public abstract long Bytes { get; }

    /// <summary>
    /// y [batch, Out] = f(x·W + b) for layer <paramref name="layer"/> with this format's W and the float bias b from
    /// <paramref name="parameters"/>; x [batch, In]. Writes y only.
    /// </summary>
    public abstract void Forward(int layer, float* x, int batch, float* parameters, ParameterLayout layout, Activation activation, float* y, Workspace workspace);
}
