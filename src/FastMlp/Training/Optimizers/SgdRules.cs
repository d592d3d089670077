// Sgd's update rules (IUpdateRule): plain, with L2 weight decay, with momentum, with Nesterov momentum.
// Each is fused multiply-adds only, so an element's bits are those of its scalar formula. The velocity b
// is the first state buffer.
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <summary>p ← fma(−lr, g, p): plain SGD, no state.</summary>
internal readonly struct SgdRule(float learningRate) : IUpdateRule
{
    public static int States => 0;

    /// <summary>K0 −lr.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new() { K0 = TLanes.Broadcast(-learningRate) };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct =>
        TLanes.MultiplyAdd(k.K0, g, p);
}

/// <summary>p ← fma(−lr, fma(λ, p, g), p): SGD on g + λ·p, no state.</summary>
internal readonly struct SgdDecayRule(float learningRate, float weightDecay) : IUpdateRule
{
    public static int States => 0;

    /// <summary>K0 −lr, K1 λ.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new() { K0 = TLanes.Broadcast(-learningRate), K1 = TLanes.Broadcast(weightDecay) };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct =>
        TLanes.MultiplyAdd(k.K0, TLanes.MultiplyAdd(k.K1, p, g), p);
}

/// <summary>g' = fma(λ, p, g);  b ← fma(μ, b, g');  p ← fma(−lr, b, p).</summary>
internal readonly struct SgdMomentumRule(float learningRate, float momentum, float weightDecay) : IUpdateRule
{
    public static int States => 1;

    /// <summary>K0 −lr, K1 λ, K2 μ.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new() { K0 = TLanes.Broadcast(-learningRate), K1 = TLanes.Broadcast(weightDecay), K2 = TLanes.Broadcast(momentum) };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        first = TLanes.MultiplyAdd(k.K2, first, TLanes.MultiplyAdd(k.K1, p, g));
        return TLanes.MultiplyAdd(k.K0, first, p);
    }
}

/// <summary>g' = fma(λ, p, g);  b ← fma(μ, b, g');  p ← fma(−lr, fma(μ, b, g'), p) (Nesterov).</summary>
internal readonly struct SgdNesterovRule(float learningRate, float momentum, float weightDecay) : IUpdateRule
{
    public static int States => 1;

    /// <summary>K0 −lr, K1 λ, K2 μ.</summary>
    public RuleVectors<TVector> Broadcast<TLanes, TVector>()
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct => new SgdMomentumRule(learningRate, momentum, weightDecay).Broadcast<TLanes, TVector>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Apply<TLanes, TVector>(in RuleVectors<TVector> k, TVector g, TVector p, ref TVector first, ref TVector second)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        TVector decayed = TLanes.MultiplyAdd(k.K1, p, g);
        first = TLanes.MultiplyAdd(k.K2, first, decayed);
        return TLanes.MultiplyAdd(k.K0, TLanes.MultiplyAdd(k.K2, first, decayed), p);
    }
}
