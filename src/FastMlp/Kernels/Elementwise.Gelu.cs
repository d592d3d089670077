using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>
/// f(x) = x·Φ(x), Φ the standard normal distribution function: GELU in its exact erf form (PyTorch's default
/// nn.GELU(), not the tanh approximation); f'(x) = Φ(x) + x·φ(x). The derivative is not a function of y = f(x)
/// (f is not monotonic below x ≈ −0.75), so for this operator the first argument of Derivative is the
/// pre-activation x = z + b, which training saves (Elementwise.ForwardSavingInput). Every lane of the vector forms
/// gives the bits of the scalar form (GeluMath over ILanes). f(−0) = −0, f(+∞) = +∞, f(−∞) = −0, NaN stays NaN;
/// f'(+∞) = 1, f'(−∞) = 0.
/// </summary>
internal readonly struct GeluOperator : IActivationOperator, IRectifier
{
    /// <summary>f(z + b) in one pass (Rectifier), each lane the bits of <see cref="Activate"/>.</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z) => Rectifier.Forward<GeluOperator>(bias, z);

    /// <summary>x·Φ(x)</summary>
    public static Vector512<float> Rectify(Vector512<float> x) => GeluMath<Lanes512>.Value(new(x)).Value;

    /// <summary>x·Φ(x)</summary>
    public static Vector256<float> Rectify(Vector256<float> x) => GeluMath<Lanes256>.Value(new(x)).Value;

    /// <summary>z·Φ(z)</summary>
    public static float Activate(float z) => GeluMath<LanesScalar>.Value(new(z)).Value;

    /// <summary>dY · (Φ(x) + x·φ(x)), x the pre-activation</summary>
    public static float Derivative(float x, float dy) => dy * GeluMath<LanesScalar>.Slope(new(x)).Value;

    /// <summary>dY · (Φ(x) + x·φ(x)), x the pre-activation</summary>
    public static Vector256<float> Derivative(Vector256<float> x, Vector256<float> dy) => dy * GeluMath<Lanes256>.Slope(new(x)).Value;

    /// <summary>dY · (Φ(x) + x·φ(x)), x the pre-activation</summary>
    public static Vector512<float> Derivative(Vector512<float> x, Vector512<float> dy) => dy * GeluMath<Lanes512>.Slope(new(x)).Value;
}

/// <summary>
/// GELU and its slope, written once for every width. Beyond |x| = 16, Φ is 0 or 1 in float and φ is 0. Value and Slope
/// are never inlined: each is its own compilation, whose inlining budget takes every Lanes operation of the erfc and the
/// exponentials. Inlined into a caller that tiered PGO had already filled (the activation dispatch, the training forward
/// pass), the JIT left those operations as calls: a W2 GELU step at batch 32 took 605 µs instead of 446 (a loop of steps,
/// tiered compilation on; ReLU's 345). SiLU's math is small enough to inline (372-387 µs inlined, 399-410 not).
/// </summary>
internal static class GeluMath<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    private const float Saturation = 16f;

    /// <summary>x·Φ(x); x is taken as −16 below it so that −∞·Φ(−∞) gives −0, not NaN (Φ(−16) is 0 in float).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static TLanes Value(TLanes x)
    {
        TLanes low = TLanes.AtLeast(x, -Saturation);
        return low * Cdf(TLanes.AtMost(low, Saturation));
    }

    /// <summary>Φ(x) + x·φ(x), on x clamped to ±16 (1 and −0 there) so that ±∞·φ(±∞) is never formed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static TLanes Slope(TLanes x)
    {
        TLanes c = TLanes.AtMost(TLanes.AtLeast(x, -Saturation), Saturation);
        return Cdf(c) + (c * Normal<TLanes>.Density(TLanes.Abs(c)));
    }

    /// <summary>Φ(c) for |c| ≤ 16: the tail Q(|c|) itself below 0, where it is small and keeps its relative accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes Cdf(TLanes c)
    {
        TLanes tail = Normal<TLanes>.UpperTail(TLanes.Abs(c));
        return TLanes.SelectNonNegative(c, TLanes.Broadcast(1f) - tail, tail);
    }
}
