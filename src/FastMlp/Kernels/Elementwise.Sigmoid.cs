using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>f(x) = 1 / (1 + exp(−x)); finite for every finite x (0 and 1 at ±100).</summary>
internal readonly struct SigmoidOperator : IActivationOperator
{
    /// <summary>1 / (1 + exp(−(z + b)))</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z)
    {
        TensorPrimitives.Add(z, bias, z);
        TensorPrimitives.Sigmoid(z, z);
    }

    /// <summary>1 / (1 + exp(−z))</summary>
    public static float Activate(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary>dY · Y · (1 − Y)</summary>
    public static float Derivative(float y, float dy) => dy * (y * (1f - y));

    /// <summary>dY · Y · (1 − Y)</summary>
    public static Vector256<float> Derivative(Vector256<float> y, Vector256<float> dy) => dy * (y * (Vector256<float>.One - y));

    /// <summary>dY · Y · (1 − Y)</summary>
    public static Vector512<float> Derivative(Vector512<float> y, Vector512<float> dy) => dy * (y * (Vector512<float>.One - y));
}
