using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>f(x) = max(x, 0); f'(x) is taken as [x &gt; 0], i.e. 0 at the kink.</summary>
internal readonly struct ReluOperator : IActivationOperator, IRectifier
{
    /// <summary>max(z + b, 0) in one pass (Rectifier): the bits of TensorPrimitives.Add then Max (NaN stays NaN).</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z) => Rectifier.Forward<ReluOperator>(bias, z);

    public static Vector512<float> Rectify(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);

    public static Vector256<float> Rectify(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

    /// <summary>max(z, 0)</summary>
    public static float Activate(float z) => MathF.Max(z, 0f);

    /// <summary>dY · [Y &gt; 0]</summary>
    public static float Derivative(float y, float dy) => y > 0f ? dy : 0f;

    /// <summary>dY · [Y &gt; 0]</summary>
    public static Vector256<float> Derivative(Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);

    /// <summary>dY · [Y &gt; 0]</summary>
    public static Vector512<float> Derivative(Vector512<float> y, Vector512<float> dy) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
}
