// The Adam / AdamW update rule (IUpdateRule). AdamMoments folds the bias corrections and the learning rate
// into two scalars per step, as PyTorch's Adam does:
//   stepSize = lr / (1 − β1^t),   c2 = 1 / √(1 − β2^t),   so   lr·m̂ / (√v̂ + ε) = stepSize·m / (√v·c2 + ε).
// Coupled L2 decay (Adam) enters the gradient, g' = g + λ·p; decoupled decay (AdamW) scales the
// parameter, p·(1 − lr·λ). Each caller passes the neutral value for the other (λ = 0, factor 1: exact).
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <summary>
/// The scalars of one Adam step, and its rule: g' = fma(λ, p, g);  m ← fma(β1, m, (1 − β1)·g');
/// v ← fma(β2, v, ((1 − β2)·g')·g');  p ← fma(−stepSize, m / fma(√v, c2, ε), p·factor). m and v are the two state buffers.
/// </summary>
internal readonly record struct AdamRule(
    float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Epsilon, float CoupledDecay, float DecoupledFactor, float StepSize, float C2)
    : IUpdateRule
{
    public static int States => 2;

    /// <summary>K0 β1, K1 1 − β1, K2 β2, K3 1 − β2, K4 ε, K5 λ, K6 the decoupled factor, K7 −stepSize, K8 c2.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new()
        {
            K0 = TLanes.Broadcast(Beta1),
            K1 = TLanes.Broadcast(OneMinusBeta1),
            K2 = TLanes.Broadcast(Beta2),
            K3 = TLanes.Broadcast(OneMinusBeta2),
            K4 = TLanes.Broadcast(Epsilon),
            K5 = TLanes.Broadcast(CoupledDecay),
            K6 = TLanes.Broadcast(DecoupledFactor),
            K7 = TLanes.Broadcast(-StepSize),
            K8 = TLanes.Broadcast(C2),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        TVector decayed = TLanes.MultiplyAdd(k.K5, p, g);
        TVector m = TLanes.MultiplyAdd(k.K0, first, TLanes.Multiply(k.K1, decayed));
        TVector v = TLanes.MultiplyAdd(k.K2, second, TLanes.Multiply(TLanes.Multiply(k.K3, decayed), decayed));
        first = m;
        second = v;
        TVector denominator = TLanes.MultiplyAdd(TLanes.Sqrt(v), k.K8, k.K4);
        return TLanes.MultiplyAdd(k.K7, TLanes.Divide(m, denominator), TLanes.Multiply(p, k.K6));
    }
}
