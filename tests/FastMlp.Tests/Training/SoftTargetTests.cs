// SoftTargetTests: issue 9 item 4. With a Softmax output, CrossEntropy's gradient with respect to the logits
// is (P·Σt − T)/B for every non-negative target row; (P − T)/B is that only for rows that sum to 1. Soft rows
// (label smoothing, distillation), unnormalized rows ([0, 2, 0], [1, 1, 0]) and all-zero rows are checked:
//   - FsCheck, per hidden activation: Trainer.Step's loss, Gradients and updated parameters against NaiveMlp
//     (double, straight from the formula) within MlpErrorBound, with soft, unnormalized and whole-count targets
//     (MlpTargets.Distribution, Unit, Counts) on random architectures, batches and thread counts.
//   - FsCheck: Trainer.Gradients against central differences of the NaiveMlp loss (the tolerance of
//     GradientCheckTests), on small random networks where no ReLU is near its kink, with the same targets.
//   - The rows the issue reported ([0, 2, 0], [1, 1, 0]), an all-zero row and a smoothed one-hot row against
//     central differences, on one 4-5-3 network ((P − T)/B misses them by hundreds of times the tolerance).
//   - One-hot rows keep the fused form: dZ = (p − t)·(1/B) bit for bit, so the common case pays no rounding.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Training;

public sealed unsafe class SoftTargetTests
{
    private const int CasesPerActivation = 60;
    private const double DifferenceError = 1e-8;   // as GradientCheckTests: the difference quotient's own error

    private static readonly MlpTargets[] s_softTargets = [MlpTargets.Distribution, MlpTargets.Unit, MlpTargets.Counts];

    public static TheoryData<Activation> HiddenActivations() => [.. MlpGenerators.HiddenActivations];

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void Step_matches_NaiveMlp_for_soft_and_unnormalized_targets(Activation hidden)
    {
        Gen<MlpTestCase> cases = MlpGenerators.Cases(hidden, Activation.Softmax, Loss.CrossEntropy, Gen.Elements(s_softTargets));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerActivation), Prop.ForAll(MlpGenerators.Arbitrary(cases), MlpCheck.StepMatchesNaive));
    }

    [Fact]
    public void Gradients_match_central_differences_for_soft_and_unnormalized_targets()
    {
        Gen<(int[] Sizes, Activation Hidden, MlpTargets Targets, int Batch, int Seed)> problems =
            from layers in Gen.Choose(1, 3)
            from sizes in Gen.ArrayOf(Gen.Choose(1, 5), layers + 1)
            from hidden in Gen.Elements(Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu)
            from targets in Gen.Elements(s_softTargets)
            from batch in Gen.Choose(1, 4)
            from seed in Gen.Choose(1, 1_000_000)
            select (sizes, hidden, targets, batch, seed);
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(100),
            Prop.ForAll(problems.ToArbitrary(), p =>
            {
                var problem = SmoothMlpProblem.Create(p.Sizes, p.Hidden, Activation.Softmax, Loss.CrossEntropy, p.Batch, p.Targets, p.Seed);
                AssertGradientsMatchCentralDifferences(problem);
            }));
    }

    [Fact]
    public void The_reported_rows_get_the_gradient_of_the_loss()
    {
        // [0, 2, 0] and [1, 1, 0] (sums 2), an all-zero row (sum 0: no loss, no gradient) and a smoothed
        // one-hot row whose float sum is not exactly 1.
        float[] targets = [0, 2, 0, 1, 1, 0, 0, 0, 0, 0.05f, 0.9f, 0.05f];
        var problem = SmoothMlpProblem.Create([4, 5, 3], Activation.Tanh, Activation.Softmax, Loss.CrossEntropy, batch: 4);
        targets.CopyTo(problem.Data.Targets, 0);   // smoothness depends on the parameters and inputs only
        double[] numeric = AssertGradientsMatchCentralDifferences(problem);
        Assert.True(numeric.Max(Math.Abs) > 0.04, "the gradient is too small for the check to mean anything.");
    }

    [Fact]
    public void One_hot_rows_keep_the_fused_P_minus_T_gradient_bit_for_bit()
    {
        const int batch = 7, n = 10;
        var random = new Random(5);
        float[] p = new float[batch * n], t = new float[batch * n], dZ = new float[batch * n];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < n; j++)
            {
                p[(b * n) + j] = random.NextSingle();
            }

            t[(b * n) + random.Next(n)] = 1;
        }

        fixed (float* y = p, targets = t, delta = dZ)
        {
            LossFunctions.Evaluate(Loss.CrossEntropy, Activation.Softmax, y, targets, batch, n, delta);
        }

        float scale = 1f / batch;
        float[] fused = [.. p.Select((v, i) => (v - t[i]) * scale)];
        MlpAssert.BitIdentical(fused, dZ, "dZ of one-hot rows");
    }

    /// <summary>One Step on the problem; Trainer.Gradients within MlpErrorBound + DifferenceError of central differences. Returns those.</summary>
    private static double[] AssertGradientsMatchCentralDifferences(SmoothMlpProblem problem)
    {
        MlpTestCase t = problem.Case;
        NaiveMlp mlp = MlpReference.For(t);
        double[] theta = problem.Parameters, inputs = problem.Inputs, targets = problem.Targets;
        double[] numeric = FiniteDifference.LossGradient(mlp, NaiveLoss.CrossEntropy, theta, inputs, targets, t.Batch);
        NaiveForwardPass forward = mlp.Forward(theta, inputs, t.Batch);
        MlpErrorBound bound = MlpErrorBound.Compute(mlp, theta, forward, mlp.Backward(theta, forward, NaiveLoss.CrossEntropy, targets), NaiveLoss.CrossEntropy, targets, t.LearningRate);
        Assert.False(bound.NearReluKink);

        Network network = MlpCheck.CreateNetwork(t, problem.Data);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(t.LearningRate), t.Batch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        trainer.Step(problem.Data.Inputs, problem.Data.Targets);
        for (int p = 0; p < numeric.Length; p++)
        {
            MlpAssert.Within("Gradients vs central differences", p, trainer.Gradients[p], numeric[p], bound.Gradients[p] + DifferenceError, t);
        }

        return numeric;
    }
}
