// GradientCheckTests: Trainer.Gradients against central differences (double, h = 1e-5) of the NaiveMlp
// loss, on tiny networks (3-2, 3-4-2, 2-3-3-2; batch 3) for every legal activation × loss combination,
// at points where no ReLU pre-activation is within 1e-2 of its kink (SmoothMlpProblem). This checks the
// gradients against the loss itself, independently of NaiveMlp.Backward's formulas. The weighted step
// (Trainer.Step with weights [2.5, 0, 0.75]: unequal, one sample without influence) against central
// differences of the weighted naive loss Σ w·ℓ / Σ w, the same way.
// Tolerance: MlpErrorBound's rigorous bound on the float gradient's rounding, plus 1e-8 for the
// difference quotient (truncation h²/6·|f'''| and rounding 2^-52·|L|/h are both below 1e-9 here).
// A wrong derivative, sign or scale moves a gradient by a fraction of itself; the largest entry of
// each problem is at least 0.04 (0.01 weighted, where most of the weight is on one sample), so such a bug
// exceeds this tolerance by orders of magnitude.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class GradientCheckTests
{
    private const int Batch = 3;
    private const double DifferenceError = 1e-8;

    public static TheoryData<Activation, Activation, Loss> Combinations() => MlpGenerators.LegalCombinationRows();

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Gradients_match_central_differences_of_the_loss(Activation hidden, Activation output, Loss loss) =>
        AssertGradientsMatchCentralDifferences(hidden, output, loss, null);

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Weighted_gradients_match_central_differences_of_the_weighted_loss(Activation hidden, Activation output, Loss loss) =>
        AssertGradientsMatchCentralDifferences(hidden, output, loss, [2.5f, 0f, 0.75f]);

    private static void AssertGradientsMatchCentralDifferences(Activation hidden, Activation output, Loss loss, float[]? weights)
    {
        double[]? w = weights is null ? null : MlpReference.ToDouble(weights);
        foreach (int[] sizes in new[] { new[] { 3, 2 }, [3, 4, 2], [2, 3, 3, 2] })
        {
            var problem = SmoothMlpProblem.Create(sizes, hidden, output, loss, Batch);
            NaiveMlp mlp = MlpReference.For(problem.Case);
            NaiveLoss naiveLoss = MlpReference.ToNaive(loss);
            double[] theta = problem.Parameters, targets = problem.Targets;
            double[] numeric = FiniteDifference.LossGradient(mlp, naiveLoss, theta, problem.Inputs, targets, Batch, weights: w);

            NaiveForwardPass forward = mlp.Forward(theta, problem.Inputs, Batch);
            MlpErrorBound bound = MlpErrorBound.Compute(mlp, theta, forward, mlp.Backward(theta, forward, naiveLoss, targets, w), naiveLoss, targets, 0.125, w);
            Assert.False(bound.NearReluKink);
            Assert.True(numeric.Max(Math.Abs) > (weights is null ? 0.04 : 0.01), $"[{string.Join("-", sizes)}]: the gradient is too small for the check to mean anything.");

            Network network = MlpCheck.CreateNetwork(problem.Case, problem.Data);
            using var trainer = new Trainer(network, loss, new Sgd(0.125f), Batch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
            _ = weights is null ? trainer.Step(problem.Data.Inputs, problem.Data.Targets) : trainer.Step(problem.Data.Inputs, problem.Data.Targets, weights);

            for (int p = 0; p < numeric.Length; p++)
            {
                MlpAssert.Within("Gradients vs central differences", p, trainer.Gradients[p], numeric[p], bound.Gradients[p] + DifferenceError, problem.Case);
            }
        }
    }
}
