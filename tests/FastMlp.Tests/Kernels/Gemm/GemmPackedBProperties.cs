// GemmPackedBProperties: a product with B packed once (GemmPackedB, the Predictor's weights) against
// NaiveGemm and, bit for bit, against the same product with B as stored: the panels change where the
// kernel reads B, never its arithmetic (except against the m = 1 dot path for a transposed B, which
// sums in vector lanes and so rounds differently: there only the NaiveGemm bound applies). Every supported kernel, tiny blockings (many KC blocks, NC
// blocks and ragged panels) and the default one, every transpose pair, padding, 1 and 2 threads; then
// the boundary: a mismatched kernel or blocking, a disposed or short operand, an overlapping C.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Kernels;

public sealed class GemmPackedBProperties
{
    [Property(MaxTest = 200)]
    public Property Tiny_blocking_matches_NaiveGemm_and_the_unpacked_product_bit_for_bit() =>
        Prop.ForAll(GemmGenerators.TinyBlockingCases(GemmData.Uniform, 64), EveryKernelAgrees);

    [Property(MaxTest = 40)]
    public Property Default_blocking_matches_NaiveGemm_and_the_unpacked_product_bit_for_bit() =>
        Prop.ForAll(GemmGenerators.DefaultBlockingCases(GemmData.Uniform, 300), EveryKernelAgrees);

    [Fact]
    public void The_public_kernel_packs_for_itself()
    {
        var b = new float[] { 1, 2, 3, 4, 5, 6 };
        using GemmPackedB packed = GemmPackedB.Create(b, 3, false, 2, 3);
        var c = new float[3];
        Gemm.Multiply([1f, 1f], 2, false, packed, c, 3, 1);
        Assert.Equal([5f, 7f, 9f], c);
    }

    [Fact]
    public void Panels_for_another_depth_block_are_refused_and_nothing_is_written()
    {
        using GemmPackedB packed = GemmPackedB.Create<GemmKernelScalar>(new float[12], 4, false, 3, 4, GemmBlocking.Default);
        var c = new float[] { 7, 7, 7, 7 };
        var other = GemmBlocking.Default with { KC = GemmBlocking.Default.KC + 1 };
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<GemmKernelScalar>(new float[3], 3, false, packed, c, 4, 1, 1f, 0f, 1, other));
        Assert.Equal("b", e.ParamName);
        Assert.Contains($"depth {GemmBlocking.Default.KC}", e.Message, StringComparison.Ordinal);
        Assert.Equal([7f, 7f, 7f, 7f], c);
    }

    [Fact]
    public void Panels_for_another_kernel_are_refused_and_nothing_is_written()
    {
        // Packed in the scalar kernel's 4-column panels, multiplied by the 6×16 Vector256 kernel's 16-column ones.
        using GemmPackedB packed = GemmPackedB.Create<GemmKernelScalar>(new float[12], 4, false, 3, 4, GemmBlocking.Default);
        var c = new float[] { 7, 7, 7, 7 };
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<GemmKernelSimd<GemmLanes256, System.Runtime.Intrinsics.Vector256<float>>>(new float[3], 3, false, packed, c, 4, 1, 1f, 0f, 1, GemmBlocking.Default));
        Assert.Contains("4-column panels", e.Message, StringComparison.Ordinal);
        Assert.Equal([7f, 7f, 7f, 7f], c);
    }

    [Fact]
    public void A_short_a_an_overlapping_c_and_disposed_panels_are_refused()
    {
        var b = new float[12];
        GemmPackedB packed = GemmPackedB.Create(b, 4, false, 3, 4);
        var c = new float[8];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], 3, false, packed, c, 4, 2)).ParamName);
        var shared = new float[16];
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.Multiply(shared.AsSpan(0, 6), 3, false, packed, shared.AsSpan(4, 8), 4, 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmPackedB.Create(new float[12], 3, false, 3, 4));
        packed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Gemm.Multiply(new float[6], 3, false, packed, c, 4, 2));
    }

    private static void EveryKernelAgrees(GemmKernelCase c)
    {
        GemmTestCase t = c.Case;
        foreach (IGemmKernelRunner kernel in GemmRunners.SupportedKernels)
        {
            string name = $"{kernel.Name} with {c.Blocking}, B packed";
            GemmCheck.MatchesNaive(t, kernel.WithPackedB(c.Blocking), name);

            if (t.M == 1 && t.TransposeB && !t.TransposeA)
            {
                continue;
            }

            var packed = GemmTestMatrices.Create(t);
            var stored = GemmTestMatrices.Create(t);
            kernel.WithPackedB(c.Blocking)(packed.A, t.Lda, t.TransposeA, packed.B, t.Ldb, t.TransposeB, packed.C, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);
            kernel.With(c.Blocking)(stored.A, t.Lda, t.TransposeA, stored.B, t.Ldb, t.TransposeB, stored.C, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);
            GemmAssert.BitIdentical(stored.C, packed.C, name);
        }
    }
}
