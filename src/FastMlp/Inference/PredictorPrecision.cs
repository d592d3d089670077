// The number format a Predictor keeps its weights in. Float32 answers as Network.Predict does, bit for bit;
// BFloat16 rounds every weight to bfloat16 once, when the predictor is created (half the bytes to stream per
// call), and computes in float; Int8 is not built yet and is refused by Predictor.Create.
using System.Diagnostics.CodeAnalysis;

namespace FastMlp;

/// <summary>The format of a <see cref="Predictor"/>'s weights (<see cref="PredictorOptions.Precision"/>).</summary>
[SuppressMessage("Naming", "CA1720", Justification = "Float32, BFloat16 and Int8 are the machine-learning names of these formats (PyTorch, ONNX); the public API contract of issue 16 spells them so.")]
public enum PredictorPrecision
{
    /// <summary>The network's float weights as they are: the same bits as <see cref="Network.Predict"/>.</summary>
    Float32,

    /// <summary>
    /// Weights rounded to bfloat16 (8-bit exponent, 7-bit mantissa; round to nearest, ties to even; NaN stays NaN) when
    /// the predictor is created; products, sums, biases and activations in float.
    /// </summary>
    BFloat16,

    /// <summary>8-bit integer weights. Not available yet: <see cref="Predictor.Create"/> throws <see cref="NotSupportedException"/>.</summary>
    Int8,
}
