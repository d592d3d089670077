// One activation as an operator struct (runtime's IUnaryOperator pattern): the forward pass over a row fused
// with the bias, and the derivative expressed through the saved output y, so backward needs no pre-activation
// buffer; except for GELU and SiLU, whose derivative is not a function of y (they are not monotonic): theirs
// takes the pre-activation x = z + b, which training saves (Elementwise.ForwardSavingInput, TrainingLayers).
// Drivers in Elementwise.cs are specialized per operator by the JIT.
using System.Runtime.Intrinsics;

namespace FastMlp;

internal interface IActivationOperator
{
    /// <summary>z ← f(z + bias) over one row (TensorPrimitives: vectorized, for rows of a vector or more).</summary>
    static abstract void Forward(ReadOnlySpan<float> bias, Span<float> z);

    /// <summary>f(z) for one value: rows shorter than a vector, where a vectorized call costs more than it saves.</summary>
    static abstract float Activate(float z);

    /// <summary>dy · f'(x) through what the layer saved: y = f(x), or for GELU and SiLU x itself.</summary>
    static abstract float Derivative(float saved, float dy);

    /// <inheritdoc cref="Derivative(float, float)"/>
    static abstract Vector256<float> Derivative(Vector256<float> saved, Vector256<float> dy);

    /// <inheritdoc cref="Derivative(float, float)"/>
    static abstract Vector512<float> Derivative(Vector512<float> saved, Vector512<float> dy);
}
