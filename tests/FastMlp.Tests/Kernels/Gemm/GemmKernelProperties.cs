// GemmKernelProperties: every micro-kernel this process can run, forced through the internal
// Gemm.Multiply<TKernel>, against NaiveGemm. Tiny cache blockings (MC 1..13, KC 1..9, NC 1..40) make
// products of a few dozen drive every BLIS loop (jc, pc, ic, jr, ir) through many iterations and
// every partial block; the varied m (≤ or > the rounded-up MC) and transposeB send cases down both
// the small path (B not packed) and the packed path. Default-blocking cases up to 300 cover the real
// KC = 256 split and the MC = 144 switch for the kernels the public entry point does not pick here.
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
