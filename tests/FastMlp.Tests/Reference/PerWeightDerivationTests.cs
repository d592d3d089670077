// PerWeightDerivationTests: the per-weight recursion (PerWeightDerivation) as a second oracle for the
// mean squared error. First its cases against networks worked by hand (exact dyadic values, so every
// comparison is exact), the recursion's table too: a weight posterior to a unit feeds no gradient (the
// chain starts at the layer just below it), so only the table shows that case. Then, on random networks of 1 to 4 layers of 1..6 units, batches 1..4, every
// hidden × output activation FastMlp allows (4 × 5, Softmax output through its Jacobian):
//   - against NaiveMlp's δ-recursion, both in double, within DoubleTolerance·max_p |∂E/∂θ_p| for every p:
//     the two sum the same products in different groupings, each rounding at about 2^-53 relative per
//     operation, so they differ by a few ulps of the terms, which are of the size of the largest entry;
//     over 4,000 such random cases the largest difference was 7.0e-15 of it (140 times below the
//     tolerance), while a wrong case, slope, index or scale moves an entry by a fraction of itself (a
//     1e-3 change in one term showed as over 1e8 times the tolerance). The bound is not relative to each entry:
//     an entry that cancels to near 0 keeps the rounding of its terms (up to 6e-12 of itself was seen);
//   - against Trainer.Gradients (float, one Step, KeepsGradients) within MlpErrorBound's rigorous float
//     bound plus that double tolerance; a case with a ReLU pre-activation within rounding of its kink is
//     discarded (its float derivative may legitimately differ).
// Two independent derivations agreeing with each other and with the library is the proof that the fast
// gradients are right.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Reference;

public sealed class PerWeightDerivationTests
{
    /// <summary>Agreement of two double derivations, relative to the case's largest gradient entry.</summary>
    private const double DoubleTolerance = 1e-12;

    private const int CasesPerCombination = 100;

    public static TheoryData<Activation, Activation> Combinations()
    {
        var rows = new TheoryData<Activation, Activation>();
        foreach (Activation hidden in MlpGenerators.HiddenActivations)
        {
            foreach (Activation output in Enum.GetValues<Activation>())
            {
                rows.Add(hidden, output);
            }
        }

        return rows;
    }

    [Fact]
    public void Every_case_of_the_recursion_matches_a_2_2_1_network_worked_by_hand()
    {
        // 2-2-1 as in NaiveMlpTests: W_1 = [1 2; 3 4], b_1 = [0.5, −1], W_2 = [1; −1], b_2 = [0.25], relu then identity.
        // x = [1, −1]: h_1 = [−1.5, −3], o_1 = [0, 0], y = 0.25;  x = [1, 1]: h_1 = [4.5, 5], o_1 = [4.5, 5], y = −0.25.
        var oracle = new PerWeightDerivation([2, 2, 1], NaiveActivation.Relu, NaiveActivation.Identity);
        double[] theta = [1, 2, 3, 4, 0.5, -1, 1, -1, 0.25], x = [1, -1, 1, 1], t = [1, 0];
        Assert.Equal(9, oracle.ParameterCount);
        Assert.Equal((1, 1, 0), oracle.Locate(2));   // W_1[1, 0]
        Assert.Equal((1, 2, 1), oracle.Locate(5));   // b_1[1]: the bias neuron's weight
        Assert.Equal((2, 2, 0), oracle.Locate(8));   // b_2[0]

        // θ_6 = W_2[0, 0]: posterior to layer 1 (0, bias neuron 0 too); the layer just below for y: o_{1,0}.
        double[][,] w2 = oracle.UnitDerivatives(theta, x, 2, 6);
        Assert.Equal(new double[,] { { 0, 0, 0 }, { 0, 0, 0 } }, w2[0]);
        Assert.Equal(new double[,] { { 0, 0, 0 }, { 0, 0, 0 } }, w2[1]);
        Assert.Equal(new double[,] { { 0, 0 }, { 4.5, 0 } }, w2[2]);

        // θ_5 = b_1[1]: the layer just below for o_{1,1} (relu' · 1: 0 where h = −3, 1 where h = 5); deeper for y (W_2[1] = −1).
        double[][,] b1 = oracle.UnitDerivatives(theta, x, 2, 5);
        Assert.Equal(new double[,] { { 0, 0, 0 }, { 0, 1, 0 } }, b1[1]);
        Assert.Equal(new double[,] { { 0, 0 }, { -1, 0 } }, b1[2]);

        // ∂E/∂y_b = 2(y_b − t_b) / 2 = [−0.75, −0.25]; only the second sample reaches layer 1.
        // W_1[i, j]: −0.25 · W_2[j] · x_i; b_1[j]: −0.25 · W_2[j]; W_2[j]: −0.25 · o_{1,j}; b_2: −0.75 − 0.25.
        Assert.Equal([-0.25, 0.25, -0.25, 0.25, -0.25, 0.25, -1.125, -1.25, -1], oracle.Gradient(theta, x, t, 2));
        Assert.Equal(-1.125, oracle.Derivative(theta, x, t, 2, 6));
    }

    [Fact]
    public void A_chain_of_single_units_multiplies_the_weights_above_the_one_derived()
    {
        // 1-1-1-1 identity chain: y = w_3(w_2(w_1·x + c_1) + c_2) + c_3, θ = [w_1, c_1, w_2, c_2, w_3, c_3].
        var oracle = new PerWeightDerivation([1, 1, 1, 1], NaiveActivation.Identity, NaiveActivation.Identity);
        double[] theta = [2, 1, -3, 0.5, 0.25, -1];
        double x = 1.5, o1 = (2 * x) + 1, o2 = (-3 * o1) + 0.5, y = (0.25 * o2) - 1, t = 0.5, g = 2 * (y - t);
        double[] want = [g * 0.25 * -3 * x, g * 0.25 * -3, g * 0.25 * o1, g * 0.25, g * o2, g];
        Assert.Equal(want, oracle.Gradient(theta, [x], [t], 1));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Agrees_with_the_NaiveMlp_backward_pass(Activation hidden, Activation output)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerCombination), Prop.ForAll(Arbitrary(hidden, output), t =>
        {
            (double[] oracle, double[] naive, _) = Derive(t);
            double tolerance = DoubleTolerance * naive.Max(Math.Abs);
            for (int p = 0; p < naive.Length; p++)
            {
                MlpAssert.Within("Per-weight derivation vs NaiveMlp.Backward", p, oracle[p], naive[p], tolerance, t);
            }
        }));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Agrees_with_Trainer_Gradients(Activation hidden, Activation output)
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerCombination), Prop.ForAll(Arbitrary(hidden, output), t =>
        {
            (double[] oracle, double[] naive, MlpErrorBound bound) = Derive(t);
            return Prop.When(!bound.NearReluKink, () =>
            {
                var data = MlpTestData.Create(t);
                Network network = MlpCheck.CreateNetwork(t, data);
                using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(t.LearningRate), t.Batch, t.Threads) { KeepsGradients = true };
                trainer.Step(data.Inputs, data.Targets);
                double tolerance = DoubleTolerance * naive.Max(Math.Abs);
                for (int p = 0; p < oracle.Length; p++)
                {
                    MlpAssert.Within("Trainer.Gradients vs per-weight derivation", p, trainer.Gradients[p], oracle[p], bound.Gradients[p] + tolerance, t);
                }
            });
        }));
    }

    /// <summary>The oracle's gradient, NaiveMlp's, and MlpErrorBound for the float step, all on the case's data.</summary>
    private static (double[] Oracle, double[] Naive, MlpErrorBound Bound) Derive(MlpTestCase t)
    {
        var data = MlpTestData.Create(t);
        double[] theta = MlpReference.ToDouble(data.Parameters), x = MlpReference.ToDouble(data.Inputs), y = MlpReference.ToDouble(data.Targets);
        var oracle = new PerWeightDerivation(t.Sizes, MlpReference.ToNaive(t.Hidden), MlpReference.ToNaive(t.Output));
        NaiveMlp mlp = MlpReference.For(t);
        NaiveForwardPass forward = mlp.Forward(theta, x, t.Batch);
        NaiveBackwardPass backward = mlp.Backward(theta, forward, NaiveLoss.MeanSquaredError, y);
        MlpErrorBound bound = MlpErrorBound.Compute(mlp, theta, forward, backward, NaiveLoss.MeanSquaredError, y, t.LearningRate);
        return (oracle.Gradient(theta, x, y, t.Batch), backward.GradientsCopy(), bound);
    }

    /// <summary>1 to 4 layers of 1..6 units, batch 1..4, targets in [0, 1] or [−1, 1], 1 or 2 threads, any seed.</summary>
    private static Arbitrary<MlpTestCase> Arbitrary(Activation hidden, Activation output) => MlpGenerators.Arbitrary(
        from layers in Gen.Choose(1, 4)
        from sizes in Gen.ArrayOf(Gen.Choose(1, 6), layers + 1)
        from batch in Gen.Choose(1, 4)
        from targets in Gen.Elements(MlpTargets.Unit, MlpTargets.Symmetric)
        from threads in Gen.Elements(1, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        select new MlpTestCase(sizes, hidden, output, Loss.MeanSquaredError, batch, targets, LearningRate: 0.125f, threads, seed));
}
