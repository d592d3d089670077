using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>
/// f(x) = x for x &gt; 0, else 0.01·x (PyTorch's LeakyReLU default); f'(x) is taken as 1 for x &gt; 0, else 0.01, as
/// PyTorch's backward does. Through y: y &gt; 0 exactly when x &gt; 0 (0.01·x keeps the sign, or rounds to −0), so the
/// derivative needs no pre-activation.
/// </summary>
internal readonly struct LeakyReluOperator : IActivationOperator
{
    /// <summary>The slope for x ≤ 0.</summary>
    public const float Slope = 0.01f;

    /// <summary>f(z + b) in one pass, the widest vectors first, each lane the bits of <see cref="Activate"/> (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z)
    {
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float rz = ref MemoryMarshal.GetReference(z);
        nuint n = (uint)z.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> x = Vector512.LoadUnsafe(ref rz, i) + Vector512.LoadUnsafe(ref rb, i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Slope).StoreUnsafe(ref rz, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref rz, i) + Vector256.LoadUnsafe(ref rb, i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Slope).StoreUnsafe(ref rz, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rz, i) = Activate(Unsafe.Add(ref rz, i) + Unsafe.Add(ref rb, i));
        }
    }

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
