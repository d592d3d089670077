// GemmKernelProperties: every micro-kernel this process can run, forced through the internal
// Gemm.Multiply<TKernel>, against NaiveGemm. Tiny cache blockings (MC 1..13, KC 1..9, NC 1..40) make
// products of a few dozen drive every loop of the tile path (jc, pc, ic, jr, ir) through many
// iterations and every partial block. transposeB sends cases down both ways the tile path reads B:
// in place (a stored B; no ldb these sizes reach is the multiple of 1024 floats that would pack it,
// which GemmPathBoundaryTests pins) and packed per KC×NC block (a transposed B); n mod NR makes ragged
// last panels that the one-register kernel reads in place (at most NarrowColumns wide) or that are
// packed. Default-blocking cases up to 300 cover the real KC = 256 split and MC = 144 row blocks for
// the kernels the public entry point does not pick here. Every operand lies between NaN margins, with
// NaN between its rows and in C when beta = 0 (GemmCheck, GemmTestMatrices), so a read outside A's or
// B's stated region that reaches a result shows as NaN.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Kernels;

public sealed class GemmKernelProperties
{
    [Property(MaxTest = 300)]
    public Property Tiny_blocking_small_integers_match_NaiveGemm_exactly() =>
        Prop.ForAll(GemmGenerators.TinyBlockingCases(GemmData.SmallIntegers, 64), EveryKernelMatchesNaive);

    [Property(MaxTest = 150)]
    public Property Tiny_blocking_uniform_data_matches_NaiveGemm_within_the_rounding_bound() =>
        Prop.ForAll(GemmGenerators.TinyBlockingCases(GemmData.Uniform, 64), EveryKernelMatchesNaive);

    [Property(MaxTest = 40)]
    public Property Default_blocking_small_integers_match_NaiveGemm_exactly() =>
        Prop.ForAll(GemmGenerators.DefaultBlockingCases(GemmData.SmallIntegers, 300), EveryKernelMatchesNaive);

    [Property(MaxTest = 40)]
    public Property Default_blocking_uniform_data_matches_NaiveGemm_within_the_rounding_bound() =>
        Prop.ForAll(GemmGenerators.DefaultBlockingCases(GemmData.Uniform, 300), EveryKernelMatchesNaive);

    private static void EveryKernelMatchesNaive(GemmKernelCase c)
    {
        foreach (IGemmKernelRunner kernel in GemmRunners.SupportedKernels)
        {
            GemmCheck.MatchesNaive(c.Case, kernel.With(c.Blocking), $"{kernel.Name} with {c.Blocking}");
        }
    }
}
