// GemmGenerators: FsCheck generators and shrinkers for GEMM problems.
//
// Uniform sizes almost never land on the shapes that break blocked GEMMs, so every dimension is
// drawn from a mix biased toward them:
//   - 0, 1, 2 on their own (m = 1 is a path of its own) and 0..20: empty and tiny products;
//   - q·j − 1, q·j, q·j + 1 for q among the register tiles (MR = 4, 6; NR = 4, 16, 32), the widest
//     ragged panel read in place (NarrowColumns = 8, 16; one more is packed), the default MC (144:
//     one MC block, past which a stored B with rows 4 KiB apart is packed) and KC (256: the first
//     depth split), and, for the kernel properties, the tiny blocking of the case: exactly the edges
//     of every loop;
//   - uniform 0..max.
// Matrix data is not generated element by element: a case carries a seed and GemmTestMatrices
// derives the data from it. That keeps generation cheap for 300×300 operands and lets a failure
// shrink its shape (m, n, k, padding, scalars) while the data stays a function of the case.
using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Infrastructure;

/// <summary>A case for the internal Gemm.Multiply&lt;TKernel&gt;, with the cache blocking forced.</summary>
internal sealed record GemmKernelCase(GemmTestCase Case, GemmBlocking Blocking);

internal static class GemmGenerators
{
    /// <summary>Register-tile sizes and NarrowColumns of the kernels and the default MC and KC: the edges worth hitting.</summary>
    private static readonly int[] s_libraryEdges = [4, 6, 8, 16, 32, 144, 256];

    /// <summary>A matrix dimension in 0..max, biased toward edges around multiples of the library's blocks and of <paramref name="extraEdges"/>.</summary>
    public static Gen<int> Dimension(int max, params int[] extraEdges)
    {
        int[] edges = [.. s_libraryEdges.Concat(extraEdges).Where(q => q >= 1 && q <= max).Distinct()];
        Gen<int> nearMultiple =
            from q in Gen.Elements(edges)
            from j in Gen.Choose(1, max / q)
            from d in Gen.Choose(-1, 1)
            select Math.Clamp((q * j) + d, 0, max);
        return Gen.Frequency(
            (1, Gen.Choose(0, 2)),
            (3, Gen.Choose(0, Math.Min(max, 20))),
            (4, nearMultiple),
            (2, Gen.Choose(0, max)));
    }

    /// <summary>Extra elements after each stored row: none half the time, else 1..3.</summary>
    public static Gen<int> Padding { get; } = Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, 3)));

    /// <summary>alpha or beta: exact values only for integer data (so results stay exact), plus random ones in [-2, 2] otherwise.</summary>
    public static Gen<float> Scalar(GemmData data)
    {
        Gen<float> exact = Gen.Elements<float>(GemmTestCase.ExactScalars);
        if (data == GemmData.SmallIntegers)
        {
            return exact;
        }

        // Dyadic values in [-2, 2]: arbitrary-looking, and printed exactly in a failing case.
        Gen<float> random = Gen.Choose(-(1 << 20), 1 << 20).Select(v => v / (float)(1 << 19));
        return Gen.Frequency((2, exact), (1, random));
    }

    /// <summary>Cases with dimensions up to <paramref name="maxDimension"/>, any transpose pair and padding.</summary>
    public static Gen<GemmTestCase> Cases(GemmData data, int maxDimension, int[] threads, params int[] extraEdges)
    {
        Gen<int> dimension = Dimension(maxDimension, extraEdges);
        Gen<bool> flag = Gen.Elements(false, true);
        Gen<float> scalar = Scalar(data);
        return
            from m in dimension
            from n in dimension
            from k in dimension
            from transposeA in flag
            from transposeB in flag
            from padA in Padding
            from padB in Padding
            from padC in Padding
            from alpha in scalar
            from beta in scalar
            from seed in Gen.Choose(0, int.MaxValue)
            from threadCount in Gen.Elements(threads)
            select new GemmTestCase(m, n, k, transposeA, transposeB, padA, padB, padC, alpha, beta, data, seed, threadCount);
    }

    /// <summary>Public-API cases up to <paramref name="maxDimension"/>, with 1, 2 or all threads.</summary>
    public static Arbitrary<GemmTestCase> PublicCases(GemmData data, int maxDimension) =>
        Arb.From(Cases(data, maxDimension, [-1, 1, 2]), Shrink);

    /// <summary>
    /// Cache blocking small enough that a product of a few dozen drives every loop many times:
    /// MC 1..13, KC 1..9, NC 1..40 (the library rounds MC and NC up to MR and NR multiples).
    /// </summary>
    public static Gen<GemmBlocking> TinyBlocking { get; } =
        from mc in Gen.Choose(1, 13)
        from kc in Gen.Choose(1, 9)
        from nc in Gen.Choose(1, 40)
        select new GemmBlocking(MC: mc, KC: kc, NC: nc);

    /// <summary>Kernel cases with a tiny blocking and dimensions up to <paramref name="maxDimension"/>, biased to the blocking's edges.</summary>
    public static Arbitrary<GemmKernelCase> TinyBlockingCases(GemmData data, int maxDimension)
    {
        Gen<GemmKernelCase> cases =
            from blocking in TinyBlocking
            from testCase in Cases(data, maxDimension, [1], blocking.MC, blocking.KC, blocking.NC)
            select new GemmKernelCase(testCase, blocking);
        return Arb.From(cases, Shrink);
    }

    /// <summary>Kernel cases with the default blocking (the KC = 256 split and the MC = 144 path switch included).</summary>
    public static Arbitrary<GemmKernelCase> DefaultBlockingCases(GemmData data, int maxDimension)
    {
        Gen<GemmKernelCase> cases = Cases(data, maxDimension, [1]).Select(t => new GemmKernelCase(t, GemmBlocking.Default));
        return Arb.From(cases, Shrink);
    }

    /// <summary>Smaller dimensions first, then no padding, one thread and plain scalars; the seed is kept.</summary>
    public static IEnumerable<GemmTestCase> Shrink(GemmTestCase t)
    {
        foreach (int m in Smaller(t.M))
        {
            yield return t with { M = m };
        }

        foreach (int n in Smaller(t.N))
        {
            yield return t with { N = n };
        }

        foreach (int k in Smaller(t.K))
        {
            yield return t with { K = k };
        }

        if (t.PadA + t.PadB + t.PadC != 0)
        {
            yield return t with { PadA = 0, PadB = 0, PadC = 0 };
        }

        if (t.Threads != 1)
        {
            yield return t with { Threads = 1 };
        }

        if (t.Alpha != 1)
        {
            yield return t with { Alpha = 1 };
        }

        if (t.Beta != 0)
        {
            yield return t with { Beta = 0 };
        }
    }

    /// <summary>The blocking is part of what failed, so only the problem shrinks.</summary>
    public static IEnumerable<GemmKernelCase> Shrink(GemmKernelCase c) =>
        Shrink(c.Case).Select(t => c with { Case = t });

    private static IEnumerable<int> Smaller(int value) =>
        new[] { 0, 1, value / 2, value - 1 }.Where(v => v >= 0 && v < value).Distinct();
}
