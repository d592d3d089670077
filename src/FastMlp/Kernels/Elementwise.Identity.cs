using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>f(x) = x.</summary>
internal readonly struct IdentityOperator : IActivationOperator
{
    /// <summary>z + b</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z) => TensorPrimitives.Add(z, bias, z);

    /// <summary>z</summary>
    public static float Activate(float z) => z;

    /// <summary>dY</summary>
    public static float Derivative(float y, float dy) => dy;

    /// <summary>dY</summary>
    public static Vector256<float> Derivative(Vector256<float> y, Vector256<float> dy) => dy;

    /// <summary>dY</summary>
    public static Vector512<float> Derivative(Vector512<float> y, Vector512<float> dy) => dy;
}
