// NaiveMlpTests: the reference itself is checked, so that a mistake in the yardstick cannot make the
// Network/Trainer properties agree with a wrong answer: its layout, forward pass and losses against
// values worked out by hand, and its analytic gradients (NaiveMlp.Backward) against central
// differences of its own loss for every activation × loss combination (and, for CrossEntropy, soft,
// unnormalized and whole-count targets too), to 1e-8 + 1e-6 relative (double: the difference quotient
// with h = 1e-5 is good to about 1e-10 here).
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Reference;

public sealed class NaiveMlpTests
{
    public static TheoryData<Activation, Activation, Loss> Combinations() => MlpGenerators.LegalCombinationRows();

    [Fact]
    public void Layout_forward_and_losses_match_a_network_worked_by_hand()
    {
        // 2-2-1: W_1 = [1 2; 3 4] (from input i to unit j), b_1 = [0.5, −1], W_2 = [1; −1], b_2 = [0.25].
        var mlp = new NaiveMlp([2, 2, 1], NaiveActivation.Relu, NaiveActivation.Identity);
        double[] theta = [1, 2, 3, 4, 0.5, -1, 1, -1, 0.25];
        Assert.Equal(9, mlp.ParameterCount);
        Assert.Equal(1, mlp.WeightIndex(1, 0, 1));
        Assert.Equal(2, mlp.WeightIndex(1, 1, 0));
        Assert.Equal(5, mlp.BiasIndex(1, 1));
        Assert.Equal(7, mlp.WeightIndex(2, 1, 0));
        Assert.Equal(8, mlp.BiasIndex(2, 0));

        // x = [1, −1]: z_1 = [1 − 3 + 0.5, 2 − 4 − 1] = [−1.5, −3] → a_1 = [0, 0] → y = 0.25.
        // x = [1, 1]:  z_1 = [4.5, 5] → a_1 = [4.5, 5] → y = 4.5 − 5 + 0.25 = −0.25.
        NaiveForwardPass forward = mlp.Forward(theta, [1, -1, 1, 1], 2);
        Assert.Equal(0.25, forward.Output[0, 0]);
        Assert.Equal(-0.25, forward.Output[1, 0]);

        // Targets [1, 0]: squared errors 0.5625 and 0.0625.
        Assert.Equal((0.5625 + 0.0625) / 2, NaiveMlp.Loss(NaiveLoss.MeanSquaredError, forward.Output, [1, 0]));
        Assert.Equal((0.5625 + 0.0625) / 2, NaiveMlp.Loss(NaiveLoss.SumSquaredError, forward.Output, [1, 0]));
    }

    [Fact]
    public void Mean_and_sum_squared_error_differ_by_the_output_count_and_cross_entropy_skips_zero_targets()
    {
        double[,] y = { { 0.25, 0.75 }, { 0.5, 0.5 } };
        double[] t = [0, 1, 1, 0];
        Assert.Equal((0.0625 + 0.0625 + 0.25 + 0.25) / 4, NaiveMlp.Loss(NaiveLoss.MeanSquaredError, y, t));
        Assert.Equal((0.0625 + 0.0625 + 0.25 + 0.25) / 2, NaiveMlp.Loss(NaiveLoss.SumSquaredError, y, t));
        Assert.Equal(-(Math.Log(0.75) + Math.Log(0.5)) / 2, NaiveMlp.Loss(NaiveLoss.CrossEntropy, y, t), 15);
    }

    [Fact]
    public void Softmax_subtracts_the_max_and_stays_finite_for_huge_logits()
    {
        // One layer 1 → 3 with weights [1000, −1000, 999] on input 1: softmax of [1000, −1000, 999].
        var mlp = new NaiveMlp([1, 3], NaiveActivation.Identity, NaiveActivation.Softmax);
        double[,] y = mlp.Forward([1000, -1000, 999, 0, 0, 0], [1], 1).Output;
        double e = Math.Exp(-1);
        Assert.Equal(1 / (1 + e), y[0, 0], 15);
        Assert.Equal(0, y[0, 1]);
        Assert.Equal(e / (1 + e), y[0, 2], 15);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Backward_matches_central_differences(Activation hidden, Activation output, Loss loss)
    {
        foreach (int[] sizes in new[] { new[] { 3, 2 }, [4, 5, 3], [3, 4, 4, 3] })
        {
            AssertBackwardMatchesCentralDifferences(SmoothMlpProblem.Create(sizes, hidden, output, loss, batch: 3));
        }
    }

    [Fact]
    public void Backward_matches_central_differences_for_soft_and_unnormalized_cross_entropy_targets()
    {
        foreach (MlpTargets targets in new[] { MlpTargets.Distribution, MlpTargets.Unit, MlpTargets.Counts })
        {
            foreach (Activation hidden in new[] { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu })
            {
                AssertBackwardMatchesCentralDifferences(SmoothMlpProblem.Create([4, 5, 3], hidden, Activation.Softmax, Loss.CrossEntropy, batch: 3, targets));
            }
        }
    }

    [Fact]
    public void Sgd_step_moves_against_the_gradient()
    {
        Assert.Equal([0.5, -1.25], NaiveMlp.SgdStep([1, -1], [2, 1], 0.25));
    }

    private static void AssertBackwardMatchesCentralDifferences(SmoothMlpProblem problem)
    {
        NaiveMlp mlp = MlpReference.For(problem.Case);
        NaiveLoss naiveLoss = MlpReference.ToNaive(problem.Case.Loss);
        int batch = problem.Case.Batch;
        double[] theta = problem.Parameters;
        double[] numeric = FiniteDifference.LossGradient(mlp, naiveLoss, theta, problem.Inputs, problem.Targets, batch);
        ReadOnlySpan<double> analytic = mlp.Backward(theta, mlp.Forward(theta, problem.Inputs, batch), naiveLoss, problem.Targets).Gradients;
        for (int p = 0; p < theta.Length; p++)
        {
            double tolerance = 1e-8 + (1e-6 * Math.Abs(numeric[p]));
            Assert.True(Math.Abs(analytic[p] - numeric[p]) <= tolerance, $"{problem.Case}: ∂L/∂θ[{p}] = {analytic[p]:R}, central difference {numeric[p]:R}.");
        }
    }
}
