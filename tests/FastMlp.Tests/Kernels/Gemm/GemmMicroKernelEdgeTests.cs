// GemmMicroKernelEdgeTests: the edge-tile sweep of DESIGN.md 4.6. For each kernel this process can
// run, m over 0..2·MR+1 and n over 0..2·NR+1 cover empty, partial, exactly one, one-plus-partial and
// two-plus-one tiles in each direction, for every transpose pair, at depths 1 and 7 and at the two
// smallest depths past Gemm.TinyMultiplyAdds (below it the library skips the kernel for plain loops,
// so without these most small tiles would never reach the micro-kernel):
//   - with the default blocking (one MC block: a stored B read in place, its ragged last panel by the
//     one-register kernel when at most NarrowColumns wide and packed when wider; a transposed B packed)
//     and with a tiny one (MC = MR, NC = NR, KC = 4: one tile per row and column block, several depth
//     blocks for k > 4);
//   - with beta = 0 on a NaN-filled C and contiguous storage, and with padded strides, alpha = -1
//     and beta = 0.5, on small integers, so every result must match NaiveGemm exactly.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

public sealed class GemmMicroKernelEdgeTests
{
    public static TheoryData<string> Kernels => GemmRunners.SupportedKernelNames;

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_edge_tile_matches_NaiveGemm_exactly(string kernelName)
    {
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        GemmBlocking[] blockings = [GemmBlocking.Default, new(MC: 1, KC: 4, NC: 1)];
        int seed = 0;
        foreach (GemmBlocking blocking in blockings)
        {
            GemmCall call = kernel.With(blocking);
            string name = $"{kernel.Name} with {blocking}";
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    for (int m = 0; m <= (2 * kernel.MR) + 1; m++)
                    {
                        for (int n = 0; n <= (2 * kernel.NR) + 1; n++)
                        {
                            foreach (int k in Depths(m, n))
                            {
                                GemmCheck.MatchesNaive(
                                    new GemmTestCase(m, n, k, transposeA, transposeB, 0, 0, 0, 1f, 0f, GemmData.SmallIntegers, seed++), call, name);
                                GemmCheck.MatchesNaive(
                                    new GemmTestCase(m, n, k, transposeA, transposeB, 1, 2, 3, -1f, 0.5f, GemmData.SmallIntegers, seed++), call, name);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>1 and 7 (both tiny for small tiles), then the two smallest depths that make m·n·k exceed Gemm.TinyMultiplyAdds.</summary>
    private static IEnumerable<int> Depths(int m, int n)
    {
        int[] small = [1, 7];
        if (m * n == 0)
        {
            return small;
        }

        int pastTiny = (Gemm.TinyMultiplyAdds / (m * n)) + 1;
        return small.Concat([pastTiny, pastTiny + 5]).Distinct();
    }
}
