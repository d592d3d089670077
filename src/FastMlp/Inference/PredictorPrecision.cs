// The number format a Predictor keeps its weights in. Float32 answers as Network.Predict does, bit for bit;
// BFloat16 rounds every weight to bfloat16 once, when the predictor is created (half the bytes to stream per
// call), and computes in float; Int8 quantizes every weight to 8 bits once, when the predictor is created (a
// quarter of the bytes), and each layer's input per row on every call, and sums the products exactly in int32.
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

    /// <summary>
    /// 8-bit integer weights and activations, symmetric (no zero point). When the predictor is created each column j of
    /// every layer's W (the weights into neuron j) is quantized with its own scale: s_j = max |W[·, j]| / 127,
    /// q = round-to-even(clamp(W · 127 / max, −127, 127)). On every call each row of each layer's input is quantized
    /// the same way with its own scale s_r; the products q_x · q_w are summed exactly in int32 (a layer may have at
    /// most 133,144 inputs: <see cref="Predictor.Create"/> refuses more), and acc · s_r · s_j + b goes through the
    /// layer's activation in float. A row of a layer's input holding a NaN or ±∞, or a weight column holding one,
    /// makes the outputs it reaches NaN (before that layer's activation).
    /// </summary>
    Int8,
}
