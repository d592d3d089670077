using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>
/// f(x) = x·σ(x) = x / (1 + e^−x): SiLU (swish, PyTorch nn.SiLU()); f'(x) = σ(x)·(1 + x·(1 − σ(x))). The
/// derivative is not a function of y = f(x) (f is not monotonic below x ≈ −1.28), so for this operator the first
/// argument of Derivative is the pre-activation x = z + b, which training saves (Elementwise.ForwardSavingInput).
/// Every lane of the vector forms gives the bits of the scalar form (SiluMath over ILanes). f(−0) = −0,
/// f(+∞) = +∞, f(−∞) = −0, NaN stays NaN; f'(+∞) = 1, f'(−∞) = −0.
/// </summary>
internal readonly struct SiluOperator : IActivationOperator, IRectifier
{
    /// <summary>f(z + b) in one pass (Rectifier), each lane the bits of <see cref="Activate"/>.</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z) => Rectifier.Forward<SiluOperator>(bias, z);

    /// <summary>x·σ(x)</summary>
    public static Vector512<float> Rectify(Vector512<float> x) => SiluMath<Lanes512>.Value(new(x)).Value;

    /// <summary>x·σ(x)</summary>
    public static Vector256<float> Rectify(Vector256<float> x) => SiluMath<Lanes256>.Value(new(x)).Value;

    /// <summary>z·σ(z)</summary>
    public static float Activate(float z) => SiluMath<LanesScalar>.Value(new(z)).Value;

    /// <summary>dY · σ(x)·(1 + x·(1 − σ(x))), x the pre-activation</summary>
    public static float Derivative(float x, float dy) => dy * SiluMath<LanesScalar>.Slope(new(x)).Value;

    /// <summary>dY · σ(x)·(1 + x·(1 − σ(x))), x the pre-activation</summary>
    public static Vector256<float> Derivative(Vector256<float> x, Vector256<float> dy) => dy * SiluMath<Lanes256>.Slope(new(x)).Value;

    /// <summary>dY · σ(x)·(1 + x·(1 − σ(x))), x the pre-activation</summary>
    public static Vector512<float> Derivative(Vector512<float> x, Vector512<float> dy) => dy * SiluMath<Lanes512>.Slope(new(x)).Value;
}

/// <summary>
/// SiLU and its slope, written once for every width, from t = e^−|x| ≤ 1 (never an overflowing e^−x): with
/// q = 1/(1 + t), σ(x) = q and 1 − σ(x) = t·q for x ≥ 0, the other way round below 0, so neither is formed by
/// cancellation. Beyond |x| = 110, t is 0 in float (e^−110 ≈ 1.7e-48).
/// </summary>
internal static class SiluMath<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    private const float Saturation = 110f;

    /// <summary>x·σ(x); x is taken as −110 below it so that −∞·σ(−∞) gives −0, not NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLanes Value(TLanes x)
    {
        TLanes t = Tail(x), q = TLanes.Broadcast(1f) / (TLanes.Broadcast(1f) + t);
        return TLanes.AtLeast(x, -Saturation) * TLanes.SelectNonNegative(x, q, t * q);
    }

    /// <summary>σ(x)·(1 + x·(1 − σ(x))), on x clamped to ±110 (1 and −0 there) so that ±∞·0 is never formed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLanes Slope(TLanes x)
    {
        TLanes t = Tail(x), q = TLanes.Broadcast(1f) / (TLanes.Broadcast(1f) + t), tq = t * q;
        TLanes c = TLanes.AtMost(TLanes.AtLeast(x, -Saturation), Saturation);
        return TLanes.SelectNonNegative(x, q, tq) * (TLanes.Broadcast(1f) + (c * TLanes.SelectNonNegative(x, tq, q)));
    }

    /// <summary>e^−min(|x|, 110).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TLanes Tail(TLanes x)
    {
        TLanes a = TLanes.AtMost(TLanes.Abs(x), Saturation);
        return Exponential<TLanes>.Of(-a, TLanes.Broadcast(0f));
    }
}
