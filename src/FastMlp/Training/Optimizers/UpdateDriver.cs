// The flat update of every built-in optimizer: one loop, specialized by the JIT per rule (IUpdateRule) and
// per width, over the whole parameter buffer and its state buffers, on the widest lanes the machine runs
// (the GEMM's choice: Vector512 with AVX-512F, Vector256 with AVX2 + FMA3), then one float at a time for
// the tail (GemmLanesScalar), every element by the same formula. It returns max |p| and max |s| of each
// state buffer over the values it wrote (Magnitude), for the Trainer's update guard, at no extra traffic.
// Each buffer is read once and written once, and on the W2 network the Step it sits in ran as fast as with
// the hand-written copies it replaced (perf/AbCompare step, each optimizer: 0.95-1.03× their time).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static unsafe class UpdateDriver
{
    /// <summary>
    /// parameters ← rule(gradients, parameters), the state buffers updated alongside; all as long as parameters (the
    /// buffers past TRule.States may be empty) and not overlapping. Returns the magnitudes written (0 for a buffer past TRule.States).
    /// </summary>
    public static UpdateMagnitudes Run<TRule>(in TRule rule, ReadOnlySpan<float> gradients, Span<float> first, Span<float> second, Span<float> parameters)
        where TRule : struct, IUpdateRule
    {
        var largest = default(MagnitudeBits);
        fixed (float* g = gradients, s1 = first, s2 = second, p = parameters)
        {
            nint n = parameters.Length, done = 0;
            if (GemmLanes512.IsSupported)
            {
                done = Loop<TRule, GemmLanes512, Vector512<float>>(rule, g, s1, s2, p, n, ref largest);
            }
            else if (GemmLanes256.IsSupported)
            {
                done = Loop<TRule, GemmLanes256, Vector256<float>>(rule, g, s1, s2, p, n, ref largest);
            }

            Loop<TRule, GemmLanesScalar, float>(rule, g + done, s1 + done, s2 + done, p + done, n - done, ref largest);
        }

        return largest.Values();
    }

    /// <summary>
    /// The whole registers of n elements; returns how many elements that was (n rounded down to whole registers). The
    /// rule comes by value: a local the stores cannot alias, so the JIT keeps its scalars in registers and hoists their
    /// broadcasts, where through a reference it reloaded and re-broadcast every one of them per register (Adam 21% slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nint Loop<TRule, TLanes, TVector>(TRule rule, float* g, float* s1, float* s2, float* p, nint n, ref MagnitudeBits largest)
        where TRule : struct, IUpdateRule
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        RuleVectors<TVector> k = rule.Broadcast<TLanes, TVector>();
        nint width = TLanes.Count, i = 0;
        TVector mp = default, m1 = default, m2 = default;
        for (; i <= n - width; i += width)
        {
            TVector first = TRule.States > 0 ? TLanes.Load(s1 + i) : default;
            TVector second = TRule.States > 1 ? TLanes.Load(s2 + i) : default;
            TVector result = TRule.Apply<TLanes, TVector>(k, TLanes.Load(g + i), TLanes.Load(p + i), ref first, ref second);
            TLanes.Store(p + i, result);
            mp = TLanes.MaxMagnitude(mp, result);
            if (TRule.States > 0)
            {
                TLanes.Store(s1 + i, first);
                m1 = TLanes.MaxMagnitude(m1, first);
            }

            if (TRule.States > 1)
            {
                TLanes.Store(s2 + i, second);
                m2 = TLanes.MaxMagnitude(m2, second);
            }
        }

        largest.Add(TLanes.LargestMagnitude(mp), TLanes.LargestMagnitude(m1), TLanes.LargestMagnitude(m2));
        return i;
    }
}
