// The standard normal distribution for GELU, written once over ILanes (Vector512, Vector256, one float: the same bits
// on each): the upper tail Q(a) = ½·erfc(a/√2) = 1 − Φ(a) and the density φ(a) = e^(−a²/2)/√(2π), for a ≥ 0.
// TensorPrimitives has no erf. erfc(z) = t·e^(−z² + P(t)), t = 1/(1 + z/2), with P the degree-9 Chebyshev fit of
// Numerical Recipes' erfcc (relative error under 1.2e-7 for every z ≥ 0), so the tail keeps its relative accuracy
// far out (Φ(x) for x ≪ 0 is this tail, GELU's negative side), where the Abramowitz–Stegun 7.1.26 form PyTorch
// vectorizes is only good to 1.5e-7 absolute. −z² = −a²/2 goes into the exponential as an exact square of a's
// 12-bit head plus the remainder (Exponential's hi + lo): rounding a², whose ulp grows with it, would cost
// a²·2^−24 relative in e^(−a²/2), 32 ulps at a = 8. Callers keep a ≤ 16 (Q(16) and φ(16) are 0 in float).
using System.Runtime.CompilerServices;

namespace FastMlp;

internal static class Normal<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    /// <summary>Q(a) = ½·erfc(a/√2) for 0 ≤ a ≤ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLanes UpperTail(TLanes a)
    {
        TLanes t = TLanes.Broadcast(1f) / (TLanes.Broadcast(1f) + (a * TLanes.Broadcast(0.353553391f)));   // z/2 = a/(2√2)
        TLanes p = (TLanes.Broadcast(0.17087277f) * t) + TLanes.Broadcast(-0.82215223f);
        p = (p * t) + TLanes.Broadcast(1.48851587f);
        p = (p * t) + TLanes.Broadcast(-1.13520398f);
        p = (p * t) + TLanes.Broadcast(0.27886807f);
        p = (p * t) + TLanes.Broadcast(-0.18628806f);
        p = (p * t) + TLanes.Broadcast(0.09678418f);
        p = (p * t) + TLanes.Broadcast(0.37409196f);
        p = (p * t) + TLanes.Broadcast(1.00002368f);
        p = (p * t) + TLanes.Broadcast(-1.26551223f);
        TLanes h = TLanes.Head(a);
        TLanes hi = -(h * h) * TLanes.Broadcast(0.5f), rest = (a - h) * (a + h) * TLanes.Broadcast(0.5f);
        return t * Exponential<TLanes>.Of(hi, p - rest) * TLanes.Broadcast(0.5f);
    }

    /// <summary>φ(a) = e^(−a²/2)/√(2π) for 0 ≤ a ≤ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLanes Density(TLanes a)
    {
        TLanes h = TLanes.Head(a);
        TLanes hi = -(h * h) * TLanes.Broadcast(0.5f), rest = (a - h) * (a + h) * TLanes.Broadcast(0.5f);
        return Exponential<TLanes>.Of(hi, -rest) * TLanes.Broadcast(0.398942280f);
    }
}
