// GemmPathBoundaryTests: the library picks a path by shape (plain loops for tiny products, a row
// path for m = 1 with non-transposed B, the small path while m fits one MC block, the packed BLIS
// path beyond) and splits the depth every KC. Random shapes land on these switches only by luck, so
// each is pinned here on both sides, for every implementation and transpose pair, on small integers
// (exact), once with beta = 0 on a NaN-filled contiguous C and once with padding, alpha = -1 and
// beta = 0.5. The switch points are those of the default blocking (MC 144, KC 256) and of
// Gemm.TinyMultiplyAdds (256); the tiny-blocking implementations see the same shapes cross many
// blocks instead.
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
    public void Rows_around_one_MC_block(string implementation) =>
        CheckShapes(implementation, [(143, 20, 10), (144, 20, 10), (145, 20, 10), (150, 33, 9), (289, 17, 5)]);

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Depth_around_KC(string implementation) =>
        CheckShapes(implementation, [(7, 9, 255), (7, 9, 256), (7, 9, 257), (13, 35, 513), (150, 40, 257)]);

    private static void CheckShapes(string implementation, (int M, int N, int K)[] shapes)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        int seed = 0;
        foreach ((int m, int n, int k) in shapes)
        {
            foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
            {
                GemmCheck.MatchesNaive(new GemmTestCase(m, n, k, transposeA, transposeB, 0, 0, 0, 1f, 0f, GemmData.SmallIntegers, seed++), call, implementation);
                GemmCheck.MatchesNaive(new GemmTestCase(m, n, k, transposeA, transposeB, 3, 1, 2, -1f, 0.5f, GemmData.SmallIntegers, seed++), call, implementation);
            }
        }
    }
}
