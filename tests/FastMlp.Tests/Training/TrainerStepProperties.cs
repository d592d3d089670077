// TrainerStepProperties: for every legal activation × loss combination (MlpGenerators.LegalCombinations,
// 44 of them), random architectures of 1 to 4 layers with widths 1..70, batches 1..70 and 1 or 2 threads:
// Predict's outputs, the loss Trainer.Step returns, Trainer.Gradients and the parameters after the SGD
// step match NaiveMlp within MlpErrorBound. One xunit row per combination runs an FsCheck property
// (Check.One), so every combination is guaranteed its cases rather than left to the draw.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class TrainerStepProperties
{
    private const int CasesPerCombination = 40;

    public static TheoryData<Activation, Activation, Loss> Combinations() => MlpGenerators.LegalCombinationRows();

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Step_matches_NaiveMlp(Activation hidden, Activation output, Loss loss)
    {
        Arbitrary<MlpTestCase> cases = MlpGenerators.Arbitrary(MlpGenerators.Cases(hidden, output, loss));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerCombination), Prop.ForAll(cases, MlpCheck.StepMatchesNaive));
    }

    [Property(MaxTest = 200)]
    public Property Any_combination_matches_NaiveMlp() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), MlpCheck.StepMatchesNaive);
}
