using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>f(x) = max(x, 0); f'(x) is taken as [x &gt; 0], i.e. 0 at the kink.</summary>
internal readonly struct ReluOperator : IActivationOperator
{
    /// <summary>
    /// max(z + b, 0) in one pass, the widest vectors first: the bits of TensorPrimitives.Add then Max (NaN stays NaN),
    /// without two calls per row and a second sweep (a W3 batch-64 prediction makes 128 such row calls).
    /// </summary>
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
                Vector512.Max(Vector512.LoadUnsafe(ref rz, i) + Vector512.LoadUnsafe(ref rb, i), Vector512<float>.Zero).StoreUnsafe(ref rz, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256.Max(Vector256.LoadUnsafe(ref rz, i) + Vector256.LoadUnsafe(ref rb, i), Vector256<float>.Zero).StoreUnsafe(ref rz, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rz, i) = Activate(Unsafe.Add(ref rz, i) + Unsafe.Add(ref rb, i));
        }
    }

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
