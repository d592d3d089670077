// RmsProp's two update rules (IUpdateRule), without and with momentum; v is the first state buffer, the
// momentum buffer b the second.
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <summary>g' = fma(λ, p, g);  v ← fma(α, v, ((1 − α)·g')·g');  p ← fma(−lr, g' / (√v + ε), p).</summary>
internal readonly struct RmsPropRule(float learningRate, float alpha, float oneMinusAlpha, float epsilon, float weightDecay) : IUpdateRule
{
    public static int States => 1;

    /// <summary>K0 −lr, K1 λ, K2 α, K3 1 − α, K4 ε.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new()
        {
            K0 = TLanes.Broadcast(-learningRate),
            K1 = TLanes.Broadcast(weightDecay),
            K2 = TLanes.Broadcast(alpha),
            K3 = TLanes.Broadcast(oneMinusAlpha),
            K4 = TLanes.Broadcast(epsilon),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct =>
        TLanes.MultiplyAdd(k.K0, Scaled<TLanes, TVector>(k, g, p, ref first), p);

    /// <summary>What both rules share: v ← fma(α, v, ((1 − α)·g')·g'), then g' / (√v + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Scaled<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector v)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        TVector decayed = TLanes.MultiplyAdd(k.K1, p, g);
        v = TLanes.MultiplyAdd(k.K2, v, TLanes.Multiply(TLanes.Multiply(k.K3, decayed), decayed));
        return TLanes.Divide(decayed, TLanes.Add(TLanes.Sqrt(v), k.K4));
    }
}

/// <summary>g' = fma(λ, p, g);  v ← fma(α, v, ((1 − α)·g')·g');  b ← fma(μ, b, g' / (√v + ε));  p ← fma(−lr, b, p).</summary>
internal readonly struct RmsPropMomentumRule(float learningRate, float alpha, float oneMinusAlpha, float epsilon, float weightDecay, float momentum) : IUpdateRule
{
    public static int States => 2;

    /// <summary>RmsPropRule's K0-K4, then K5 μ.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        RuleVectors<TVector> k = new RmsPropRule(learningRate, alpha, oneMinusAlpha, epsilon, weightDecay).Broadcast<TLanes, TVector>();
        k.K5 = TLanes.Broadcast(momentum);
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        second = TLanes.MultiplyAdd(k.K5, second, RmsPropRule.Scaled<TLanes, TVector>(k, g, p, ref first));
        return TLanes.MultiplyAdd(k.K0, second, p);
    }
}
