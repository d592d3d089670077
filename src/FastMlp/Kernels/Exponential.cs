// e^a in float for the smooth activations, written once over ILanes (Vector512, Vector256, one float: the same bits
// on each). Cephes expf: a = n·ln2 + r with n = round(a·log2 e) and ln2 in two parts (Cody and Waite: n·C1 is exact
// and so is the subtraction), e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (Cephes: about 1 ulp), times 2^n in two exact
// factors so that results below 2^−126 underflow gradually. The argument comes as hi + lo so that a caller whose
// argument is a sum (−x²/2 as an exact square plus its remainder) loses no bits forming it: hi − n·C1 is exact,
// lo enters after it. Callers keep hi + lo in [−174, 1] (no clamp inside): e^−174 is 0 in float and the
// activations never need e^a for a above 1.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal static class Exponential<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    /// <summary>e^(hi + lo), hi + lo in [−174, 1], NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLanes Of(TLanes hi, TLanes lo)
    {
        // Adding and taking away 1.5·2^23 rounds to the nearest integer (ties to even) with two IEEE additions.
        TLanes shifter = TLanes.Broadcast(12582912f);
        TLanes n = ((hi + lo) * TLanes.Broadcast(1.44269504f)) + shifter - shifter;
        TLanes r = hi - (n * TLanes.Broadcast(0.693359375f)) + lo - (n * TLanes.Broadcast(-2.12194440e-4f));
        TLanes p = (TLanes.Broadcast(1.9875691500e-4f) * r) + TLanes.Broadcast(1.3981999507e-3f);
        p = (p * r) + TLanes.Broadcast(8.3334519073e-3f);
        p = (p * r) + TLanes.Broadcast(4.1665795894e-2f);
        p = (p * r) + TLanes.Broadcast(1.6666665459e-1f);
        p = (p * r) + TLanes.Broadcast(5.0000001201e-1f);
        p = (p * (r * r)) + r + TLanes.Broadcast(1f);
        return TLanes.ScaleByPowerOfTwo(p, n);
    }
}
