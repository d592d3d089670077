// OptimizerProperties: for Sgd (plain, weight decay, momentum, Nesterov), Adam, AdamW and RmsProp (with and
// without momentum), random lengths 0..300 (every Vector512/Vector256 body and scalar tail), hyperparameters
// over their valid ranges, 1 to 6 steps of random gradients and learning rates that change between steps
// (OptimizerGenerators): the parameters after every step match the optimizer's naive twin (NaiveOptimizers,
// double precision, straight from the paper's formula) within a bound derived by running error analysis
// (OptimizerErrorBound), and every element's result is bit-identical whether it is stepped in a vector
// body or alone in the scalar tail.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerProperties
{
    [Property(MaxTest = 300)]
    public Property Sgd_matches_NaiveSgd() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.Sgd), OptimizerCheck.MatchesNaive);

    [Property(MaxTest = 300)]
    public Property Adam_matches_NaiveAdam() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.Adam), OptimizerCheck.MatchesNaive);

    [Property(MaxTest = 300)]
    public Property AdamW_matches_NaiveAdamW() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.AdamW), OptimizerCheck.MatchesNaive);

    [Property(MaxTest = 300)]
    public Property RmsProp_matches_NaiveRmsProp() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.RmsProp), OptimizerCheck.MatchesNaive);

    [Property(MaxTest = 100)]
    public Property Sgd_elements_do_not_depend_on_the_vector_path() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.Sgd), OptimizerCheck.SameAlone);

    [Property(MaxTest = 100)]
    public Property Adam_elements_do_not_depend_on_the_vector_path() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.Adam), OptimizerCheck.SameAlone);

    [Property(MaxTest = 100)]
    public Property AdamW_elements_do_not_depend_on_the_vector_path() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.AdamW), OptimizerCheck.SameAlone);

    [Property(MaxTest = 100)]
    public Property RmsProp_elements_do_not_depend_on_the_vector_path() => Prop.ForAll(OptimizerGenerators.Arbitrary(OptimizerKind.RmsProp), OptimizerCheck.SameAlone);
}
