// The flat update of every built-in optimizer: one loop, specialized by the JIT per rule (IUpdateRule) and
// per width, over the whole parameter buffer and its state buffers, on the widest lanes the machine runs
// (the GEMM's choice: Vector512 with AVX-512F, Vector256 with AVX2 + FMA3), then one float at a time for
// the tail (GemmLanesScalar), every element by the same formula. The gradients come from a source
// (IGradientSource): a stored buffer, or a product computed register by register as the update needs it. It returns max |p| and max |s| of each
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
        fixed (float* g = gradients, s1 = first, s2 = second, p = parameters)
        {
            return Run(rule, new StoredGradients(g, parameters.Length), s1, s2, p, rows: 1, parameters.Length);
        }
    }

    /// <summary>
    /// The rows × columns parameters at <paramref name="p"/> (row-major, contiguous) ← rule(gradients, p) with the
    /// gradients from <paramref name="source"/>, the state at <paramref name="s1"/> and <paramref name="s2"/> alongside
    /// (null past TRule.States).
    /// </summary>
    public static UpdateMagnitudes Run<TRule, TSource>(in TRule rule, TSource source, float* s1, float* s2, float* p, nint rows, nint columns)
        where TRule : struct, IUpdateRule
        where TSource : struct, IGradientSource<TSource>
    {
        // Rows narrower than two registers go one float at a time from the start (the XOR network's 9 parameters): the
        // vector loop would only set up and reduce its accumulators around a call to the scalar one.
        if (GemmLanes512.IsSupported && columns >= 2 * GemmLanes512.Count)
        {
            return Loop<TRule, TSource, GemmLanes512, Vector512<float>>(rule, source, s1, s2, p, rows, columns, 0);
        }

        return GemmLanes256.IsSupported && columns >= 2 * GemmLanes256.Count
            ? Loop<TRule, TSource, GemmLanes256, Vector256<float>>(rule, source, s1, s2, p, rows, columns, 0)
            : Loop<TRule, TSource, GemmLanesScalar, float>(rule, source, s1, s2, p, rows, columns, 0);
    }

    /// <summary>
    /// Columns <paramref name="start"/> on of each row in whole registers, then the rows' last columns, if any, one float
    /// at a time (this loop on GemmLanesScalar, a row per call). The rule and the source come by value: locals the stores
    /// cannot alias, so the JIT keeps their scalars and pointers in registers and hoists the broadcasts, where through a
    /// reference it reloaded and re-broadcast every one of them per register (Adam 21% slower). One call covers every
    /// row: a call per row of 256 weights cost more than the row's update (a W2 step at batch 1 took 56 µs so, 42 with
    /// the gradients stored). No call may sit inside the register loop's nest: across one the JIT kept the accumulators
    /// on the stack, storing and reloading them per register, and a 512-bit reload of a store just made stalls
    /// (115-124 µs); the tails run after it, with the accumulators already reduced.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static UpdateMagnitudes Loop<TRule, TSource, TLanes, TVector>(TRule rule, TSource source, float* s1, float* s2, float* p, nint rows, nint columns, nint start)
        where TRule : struct, IUpdateRule
        where TSource : struct, IGradientSource<TSource>
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        RuleVectors<TVector> k = rule.Broadcast<TLanes, TVector>();
        nint width = TLanes.Count, end = start + ((columns - start) / width * width);
        TVector mp = default, m1 = default, m2 = default;
        for (nint r = 0; r < rows; r++)
        {
            TSource row = source.Row(r);
            nint at = r * columns;
            for (nint j = start; j < end; j += width)
            {
                nint i = at + j;
                TVector first = TRule.States > 0 ? TLanes.Load(s1 + i) : default;
                TVector second = TRule.States > 1 ? TLanes.Load(s2 + i) : default;
                TVector result = TRule.Apply<TLanes, TVector>(k, row.Load<TLanes, TVector>(j), TLanes.Load(p + i), ref first, ref second);
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

        }

        var largest = default(MagnitudeBits);
        largest.Add(TLanes.LargestMagnitude(mp), TLanes.LargestMagnitude(m1), TLanes.LargestMagnitude(m2));
        for (nint r = 0; end < columns && r < rows; r++)
        {
            nint at = r * columns;
            largest.Add(Loop<TRule, TSource, GemmLanesScalar, float>(rule, source.Row(r), s1 + at, s2 + at, p + at, 1, columns, end));
        }

        return largest.Values();
    }
}
