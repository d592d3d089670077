// GemmPathBoundaryTests: the library picks a path by shape (Gemm.cs) and, on the tile path, how to
// read B (Gemm.Driver.cs). Random shapes land on these switches only by luck, so each is pinned here
// on both sides, for every implementation and transpose pair, on small integers (exact), once with
// beta = 0 on a NaN-filled contiguous C and once with padding, alpha = -1 and beta = 0.5:
//   - plain loops while m·n·k ≤ Gemm.TinyMultiplyAdds (256);
//   - m = 1: dot products for a transposed B and a stored A, the row path for a stored B (A gathered
//     into a buffer when transposed), the tile path when both are transposed;
//   - the tile path reads a stored B in place, unless m is past one MC block (144 rows) and B's rows
//     are a multiple of 4 KiB (1024 floats) apart: then, and always for a transposed B, B is packed
//     in NR-column panels;
//   - a ragged last panel (n mod NR ≠ 0) is read in place by the one-register kernel when it is at
//     most NarrowColumns wide, else packed into a one-panel buffer;
//   - the depth is split every KC (256).
// The switch points are those of the default blocking (MC 144, KC 256); the tiny-blocking
// implementations see the same shapes cross many blocks instead, and pack B for every m past MR.
// Which side of a switch a shape took leaves no trace in the result (both sides are exact), so
// GemmPackingChoiceTests checks that from the packing memory.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

public sealed class GemmPathBoundaryTests
{
    public static TheoryData<string> Implementations => GemmRunners.ImplementationNames;

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Tiny_product_threshold(string implementation) =>
        CheckShapes(implementation, [(1, 1, 256), (1, 1, 257), (4, 4, 16), (4, 4, 17), (16, 16, 1), (16, 17, 1), (2, 128, 1), (2, 129, 1), (256, 1, 1), (257, 1, 1)]);

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Single_row_products(string implementation) =>
        CheckShapes(implementation, [(1, 1, 300), (1, 17, 33), (1, 33, 17), (1, 100, 600), (1, 1000, 20), (1, 5, 1000)]);

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Single_row_products_around_the_kernel_panels(string implementation)
    {
        // With transposeA the row path gathers op(A) (k values a stride lda apart) per worker, and with both
        // transposes m = 1 takes the tile path (one row of tiles, B packed): n around whole and ragged
        // panels of the kernel in use, k around KC and past two KC blocks.
        CheckShapes(
            implementation,
            [
                .. from kernel in GemmRunners.KernelsOf(implementation)
                   from n in new[] { kernel.NR - 1, kernel.NR, kernel.NR + kernel.NarrowColumns, kernel.NR + kernel.NarrowColumns + 1, (3 * kernel.NR) + 1 }
                   from k in new[] { 255, 257, 513 }
                   select (1, n, k),
            ]);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Rows_around_one_MC_block(string implementation) =>
        CheckShapes(implementation, [(143, 20, 10), (144, 20, 10), (145, 20, 10), (150, 33, 9), (289, 17, 5)]);

    [Theory]
    [MemberData(nameof(Implementations))]
    public void B_read_in_place_or_packed_around_one_MC_block_of_rows_4_KiB_apart(string implementation)
    {
        // ldb = 1024: in place up to m = 144, packed from 145 (and 150, past a whole MC block); ldb 1023 and
        // 1025 stay in place. The same with B a contiguous 1024 columns (ldb = n), and with k past KC so the
        // packed block is refilled per depth block. A transposed B is packed on both sides.
        (int M, int N, int K, int Ldb)[] shapes =
        [
            (144, 20, 5, 1024), (145, 20, 5, 1024), (150, 20, 5, 1024), (144, 20, 5, 1023), (145, 20, 5, 1023), (145, 20, 5, 1025), (150, 20, 5, 1025),
            (144, 1024, 3, 1024), (145, 1024, 3, 1024), (150, 1024, 3, 1024), (145, 1023, 3, 1023), (145, 1025, 3, 1025),
            (145, 40, 257, 1024), (145, 40, 257, 1025),
        ];
        CheckShapes(implementation, shapes);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Ragged_last_panel_read_in_place_when_narrow_else_packed(string implementation)
    {
        // n just past 1, 2 and 3 panels of the kernel in use: n mod NR = 0 (no ragged panel), 1, NarrowColumns
        // (the widest read in place), NarrowColumns + 1 (the narrowest packed) and NR − 1. m = 13 spans more
        // than two tiles of either MR; k = 9 keeps every shape past the tiny loops.
        CheckShapes(
            implementation,
            [
                .. (from kernel in GemmRunners.KernelsOf(implementation)
                    from panels in new[] { 1, 2, 3 }
                    from rest in new[] { 0, 1, kernel.NarrowColumns, kernel.NarrowColumns + 1, kernel.NR - 1 }
                    select (13, (panels * kernel.NR) + rest, 9)).Distinct(),
            ]);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Depth_around_KC(string implementation) =>
        CheckShapes(implementation, [(7, 9, 255), (7, 9, 256), (7, 9, 257), (13, 35, 513), (150, 40, 257)]);

    /// <summary>Each shape contiguous, then with every leading dimension padded.</summary>
    private static void CheckShapes(string implementation, (int M, int N, int K)[] shapes) =>
        Check(implementation, shapes.Select(s => (s.M, s.N, s.K, (int?)null)));

    /// <summary>Each shape with a stored B's rows <c>Ldb</c> apart in both runs; a transposed B keeps the same padding past its k columns.</summary>
    private static void CheckShapes(string implementation, (int M, int N, int K, int Ldb)[] shapes) =>
        Check(implementation, shapes.Select(s => (s.M, s.N, s.K, (int?)s.Ldb)));

    private static void Check(string implementation, IEnumerable<(int M, int N, int K, int? Ldb)> shapes)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        int seed = 0;
        foreach ((int m, int n, int k, int? ldb) in shapes)
        {
            foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
            {
                int contiguousB = ldb - n ?? 0, paddedB = ldb - n ?? 1;
                GemmCheck.MatchesNaive(new GemmTestCase(m, n, k, transposeA, transposeB, 0, contiguousB, 0, 1f, 0f, GemmData.SmallIntegers, seed++), call, implementation);
                GemmCheck.MatchesNaive(new GemmTestCase(m, n, k, transposeA, transposeB, 3, paddedB, 2, -1f, 0.5f, GemmData.SmallIntegers, seed++), call, implementation);
            }
        }
    }
}
