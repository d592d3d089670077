// GemmSizeLimitTests: products whose m, n or k is int.MaxValue, the most a span can hold (issue 9:
// rounding n = int.MaxValue up to whole panels overflowed, and m = 1, n = int.MaxValue, k = 1
// silently wrote nothing). Each takes the path it names: the row path at n = int.MaxValue, the
// tile path at m = int.MaxValue, the row and dot paths at k = int.MaxValue. (The dot path at
// n = int.MaxValue makes one call per element, 37 s with hardware intrinsics off; its share of the
// columns is the Share that GemmSizeArithmeticTests pins down.) The 8 GiB operands are AliasedFloats
// (10 MiB of memory each, Linux only) with values periodic in i mod Period, so every element of a
// result is known and checked (first, shared and last chunk), and writes past either end show in
// the guards. Integer data keeps every sum exact. On all threads the work must also really be split
// (WorkerPool.SplitJobs), which takes the worker share arithmetic to the limit too; serial for that.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed class GemmSizeLimitTests : IClassFixture<GemmSizeLimitTests.Regions>
{
    private const int Max = int.MaxValue;
    private readonly Regions _regions;

    public GemmSizeLimitTests(Regions regions) => _regions = regions;

    [Fact]
    public void One_row_by_int_MaxValue_columns_is_computed()
    {
        // m = 1, n = int.MaxValue, k = 1: the row path (B is 1×n), on all threads (the default).
        AliasedFloats b = _regions.First, c = _regions.Second;
        b.Fill(i => Small(i % AliasedFloats.Period));
        c.Fill(_ => float.NaN);
        float[] a = [2f];
        long splits = Multiply(() => Gemm.Multiply(a, b.Span, c.Span, 1, Max, 1));
        AssertResult(c, i => 2f * Small(i % AliasedFloats.Period), $"1×{Max}×1, all threads");
        AssertSplit(splits);
    }

    [Fact]
    public void Int_MaxValue_rows_by_one_column_is_computed()
    {
        // m = int.MaxValue, n = 1, k = 1: the tile path (one ragged panel: the SIMD kernels read B in place, the
        // scalar one packs it), on all threads, which split the rows (one column panel cannot be shared).
        AliasedFloats a = _regions.First, c = _regions.Second;
        a.Fill(i => Small(i % AliasedFloats.Period));
        c.Fill(_ => float.NaN);
        float[] b = [3f];
        long splits = Multiply(() => Gemm.Multiply(a.Span, 1, false, b, 1, false, c.Span, 1, Max, 1, 1, 1f, 0f, -1));
        AssertResult(c, i => 3f * Small(i % AliasedFloats.Period), $"{Max}×1×1, all threads");
        AssertSplit(splits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Depth_of_int_MaxValue_is_summed_to_the_last_term(bool transposeB)
    {
        // m = 1, n = 1, k = int.MaxValue: the row path (B is k×1), or the dot path (B stored 1×k). A is
        // 1 at every multiple of Period and at the last term, B is 1: the sum counts them exactly.
        AliasedFloats a = _regions.First, b = _regions.Second;
        a.Fill(i => i % AliasedFloats.Period == 0 || i == Max - 1 ? 1f : 0f);
        b.Fill(_ => 1f);
        float[] c = [float.NaN];
        Multiply(() => Gemm.Multiply(a.Span, Max, false, b.Span, transposeB ? Max : 1, transposeB, c, 1, 1, 1, Max, 1f, 0f, 1));
        float expected = ((Max - 1) / AliasedFloats.Period) + 1 + 1;
        Assert.True(c[0] == expected, $"1×1×{Max}, transposeB {transposeB}: C = {c[0]}, expected {expected}.");
        Assert.True(a.GuardsIntact() && b.GuardsIntact(), "an operand was written");
    }

    /// <summary>Small integers, exact in any sum of a few of them.</summary>
    private static float Small(long i) => (i % 251) - 125;

    /// <summary>Runs the product and returns how many jobs it split across the worker pool.</summary>
    private static long Multiply(Action product)
    {
        long before = WorkerPool.SplitJobs;
        product();
        return WorkerPool.SplitJobs - before;
    }

    private static void AssertResult(AliasedFloats c, Func<long, float> expected, string shape)
    {
        long mismatch = c.FirstMismatch(expected);
        Assert.True(mismatch < 0, $"{shape}: C[{mismatch}] = {(mismatch < 0 ? 0 : c[mismatch])}, expected {(mismatch < 0 ? 0 : expected(mismatch))}.");
        Assert.True(c.GuardsIntact(), $"{shape}: a write landed outside C.");
    }

    /// <summary>An all-thread product of this size is split, unless the machine has one core.</summary>
    private static void AssertSplit(long splits)
    {
        long expected = Environment.ProcessorCount > 1 ? 1 : 0;
        Assert.True(splits == expected, $"{splits} dispatches to the worker pool on {Environment.ProcessorCount} cores.");
    }

    /// <summary>Two ranges of int.MaxValue floats, mapped once for the class.</summary>
    public sealed class Regions : IDisposable
    {
        internal AliasedFloats First { get; } = new(Max);

        internal AliasedFloats Second { get; } = new(Max);

        public void Dispose()
        {
            First.Dispose();
            Second.Dispose();
        }
    }
}
