using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>
/// f(x) = x for x &gt; 0, else 0.01·x (PyTorch's LeakyReLU default); f'(x) is taken as 1 for x &gt; 0, else 0.01, as
/// PyTorch's backward does. Through y: y &gt; 0 exactly when x &gt; 0 (0.01·x keeps the sign, or rounds to −0), so the
/// derivative needs no pre-activation.
/// </summary>
internal readonly struct LeakyReluOperator : IActivationOperator, IRectifier
{
    /// <summary>The slope for x ≤ 0.</summary>
    public const float Slope = 0.01f;

    /// <summary>f(z + b) in one pass (Rectifier), each lane the bits of <see cref="Activate"/> (NaN stays NaN).</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z) => Rectifier.Forward<LeakyReluOperator>(bias, z);

    public static Vector512<float> Rectify(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Slope);

    public static Vector256<float> Rectify(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Slope);

    /// <summary>z for z &gt; 0, else 0.01·z</summary>
    public static float Activate(float z) => z > 0f ? z : z * Slope;

    /// <summary>dY for Y &gt; 0, else 0.01·dY</summary>
    public static float Derivative(float y, float dy) => y > 0f ? dy : dy * Slope;

    /// <summary>dY for Y &gt; 0, else 0.01·dY</summary>
    public static Vector256<float> Derivative(Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, dy * Slope);

    /// <summary>dY for Y &gt; 0, else 0.01·dY</summary>
    public static Vector512<float> Derivative(Vector512<float> y, Vector512<float> dy) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, dy * Slope);
}
