// GemmPublicApiProperties: Gemm.Multiply, as callers see it, against NaiveGemm over random shapes up
// to 300 (biased to tile and block edges), every transpose pair, padded strides, alpha and beta,
// 1, 2 or all threads. C starts as NaN when beta is 0, and its padding must come back untouched.
// (Namespace FastMlp.Tests.Kernels rather than ...Kernels.Gemm: a namespace named Gemm would hide
// the FastMlp.Gemm class from every test under Kernels.)
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Kernels;

public sealed class GemmPublicApiProperties
{
    [Property(MaxTest = 200)]
    public Property Small_integers_match_NaiveGemm_exactly() =>
        Prop.ForAll(GemmGenerators.PublicCases(GemmData.SmallIntegers, 300), t => GemmCheck.MatchesNaive(t, GemmRunners.Public, "Gemm.Multiply"));

    [Property(MaxTest = 150)]
    public Property Uniform_data_matches_NaiveGemm_within_the_rounding_bound() =>
        Prop.ForAll(GemmGenerators.PublicCases(GemmData.Uniform, 300), t => GemmCheck.MatchesNaive(t, GemmRunners.Public, "Gemm.Multiply"));

    [Property(MaxTest = 50)]
    public Property Contiguous_overload_matches_NaiveGemm()
    {
        // The short overload implies lda, ldb, ldc from the shape and computes C = op(A)·op(B) without reading C.
        Arbitrary<GemmTestCase> cases = Arb.Convert(
            GemmGenerators.PublicCases(GemmData.SmallIntegers, 300),
            t => t with { PadA = 0, PadB = 0, PadC = 0, Alpha = 1, Beta = 0 },
            t => t);
        GemmCall contiguous = (a, _, ta, b, _, tb, c, _, m, n, k, _, _, threads) =>
            Gemm.Multiply(a, b, c, m, n, k, ta, tb, threads);
        return Prop.ForAll(cases, t => GemmCheck.MatchesNaive(t, contiguous, "Gemm.Multiply (contiguous)"));
    }
}
