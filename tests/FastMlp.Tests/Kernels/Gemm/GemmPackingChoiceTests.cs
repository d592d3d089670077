// GemmPackingChoiceTests: which products pack, observed rather than assumed. Reading B in place and
// packing it give the same exact results, so a rule that moved a shape to the other side of a switch
// would pass every result test (GemmPathBoundaryTests); the packing memory tells them apart. From an
// empty context pool a one-thread product that packs rents a new context and grows its buffers, which
// stay pooled (AlignedBuffer.LiveBytes rises); one that packs nothing rents nothing (Gemm.cs). The rules
// pinned, with the default blocking (MC 144):
//   - the tile path packs a stored B only when m is past one MC block and B's rows are a multiple of
//     4 KiB (1024 floats) apart (Gemm.Driver.cs ReadsBInPlace), and a transposed B always;
//   - with B in place, a ragged last panel of n mod NR ≤ NarrowColumns columns is read in place too and a
//     wider one is packed (TilePathPacks);
//   - at m = 1 only a transposed A is gathered (row path) and a doubly transposed product packs B (tile
//     path); the dot and the plain row paths read everything in place.
// Each product's result is checked too. Counted process-wide, so the class runs alone (SerialTestGroup).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed class GemmPackingChoiceTests
{
    public static TheoryData<string> Kernels => GemmRunners.SupportedKernelNames;

    [Theory]
    [MemberData(nameof(Kernels))]
    public void B_is_packed_only_past_one_MC_block_with_rows_4_KiB_apart_or_when_transposed(string kernelName)
    {
        // n = 64 and 1024 are whole panels of every kernel (NR 4, 16, 32), so only the rule for B decides.
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        ExpectPacking(kernel, packs: false, m: 144, n: 64, k: 5, padB: 1024 - 64);
        ExpectPacking(kernel, packs: true, m: 145, n: 64, k: 5, padB: 1024 - 64);
        ExpectPacking(kernel, packs: true, m: 150, n: 64, k: 5, padB: 1024 - 64);
        ExpectPacking(kernel, packs: true, m: 145, n: 64, k: 5, padB: 2048 - 64);
        ExpectPacking(kernel, packs: false, m: 145, n: 64, k: 5, padB: 1023 - 64);
        ExpectPacking(kernel, packs: false, m: 145, n: 64, k: 5, padB: 1025 - 64);
        ExpectPacking(kernel, packs: false, m: 144, n: 1024, k: 3, padB: 0);
        ExpectPacking(kernel, packs: true, m: 145, n: 1024, k: 3, padB: 0);
        ExpectPacking(kernel, packs: true, m: 7, n: 64, k: 5, padB: 0, transposeB: true);
        ExpectPacking(kernel, packs: true, m: 144, n: 64, k: 5, padB: 1024 - 5, transposeB: true);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_ragged_last_panel_is_packed_only_when_wider_than_NarrowColumns(string kernelName)
    {
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        foreach (int panels in new[] { 1, 2 })
        {
            ExpectPacking(kernel, packs: false, m: 13, n: panels * kernel.NR, k: 9, padB: 0);
            ExpectPacking(kernel, packs: kernel.NarrowColumns == 0, m: 13, n: (panels * kernel.NR) + 1, k: 9, padB: 0);
            ExpectPacking(kernel, packs: true, m: 13, n: (panels * kernel.NR) + kernel.NarrowColumns + 1, k: 9, padB: 0);
            ExpectPacking(kernel, packs: true, m: 13, n: (panels * kernel.NR) + kernel.NR - 1, k: 9, padB: 0);
            if (kernel.NarrowColumns > 0)
            {
                ExpectPacking(kernel, packs: false, m: 13, n: (panels * kernel.NR) + kernel.NarrowColumns, k: 9, padB: 0);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Single_row_products_pack_only_a_transposed_A_or_a_transposed_B_used_with_it(string kernelName)
    {
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        ExpectPacking(kernel, packs: false, m: 1, n: 100, k: 300, padB: 0);
        ExpectPacking(kernel, packs: false, m: 1, n: 100, k: 300, padB: 0, transposeB: true);
        ExpectPacking(kernel, packs: true, m: 1, n: 100, k: 300, padB: 0, transposeA: true);
        ExpectPacking(kernel, packs: true, m: 1, n: 100, k: 300, padB: 0, transposeA: true, transposeB: true);
    }

    /// <summary>Runs the product on one thread from an empty context pool and checks both its result and whether it packed.</summary>
    private static void ExpectPacking(IGemmKernelRunner kernel, bool packs, int m, int n, int k, int padB, bool transposeA = false, bool transposeB = false)
    {
        var t = new GemmTestCase(m, n, k, transposeA, transposeB, 0, padB, 0, 1f, 0f, GemmData.SmallIntegers, m + n + k);
        var x = GemmTestMatrices.Create(t);
        float[] want = x.Expected();
        GemmCall call = kernel.With(GemmBlocking.Default);

        // Buffers dropped undisposed elsewhere are finalized now, not while the product runs.
        GemmContext.ReleasePooled();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = AlignedBuffer.LiveBytes;
        GemmCheck.Call(x, call, kernel.Name);
        long grown = AlignedBuffer.LiveBytes - before;

        GemmAssert.MatchesExpected(x, want, kernel.Name);
        Assert.True(
            grown > 0 == packs,
            $"{kernel.Name} (MR {kernel.MR}, NR {kernel.NR}, NarrowColumns {kernel.NarrowColumns}), case {t} (ldb {t.Ldb}): "
            + $"packing memory grew by {grown} bytes; expected the product {(packs ? "to pack" : "to pack nothing")}.");
    }
}
