using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>f(x) = tanh(x).</summary>
internal readonly struct TanhOperator : IActivationOperator
{
    /// <summary>tanh(z + b)</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z)
    {
        TensorPrimitives.Add(z, bias, z);
        TensorPrimitives.Tanh(z, z);
    }

    /// <summary>tanh(z)</summary>
    public static float Activate(float z) => MathF.Tanh(z);

    /// <summary>dY · (1 − Y²)</summary>
    public static float Derivative(float y, float dy) => dy * (1f - (y * y));

    /// <summary>dY · (1 − Y²)</summary>
    public static Vector256<float> Derivative(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - (y * y));

    /// <summary>dY · (1 − Y²)</summary>
    public static Vector512<float> Derivative(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - (y * y));
}
