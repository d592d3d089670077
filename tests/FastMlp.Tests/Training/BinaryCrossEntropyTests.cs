// BinaryCrossEntropyTests: Loss.BinaryCrossEntropy (PyTorch BCELoss, the mean over every element) with a Sigmoid output.
//   - FsCheck over random architectures, hidden activations, batches and targets in [0, 1] (multi-label, soft):
//     the loss Trainer.Step returns and its gradients against NaiveMlp in double, which differentiates the loss
//     through ∂L/∂y and the sigmoid's derivative (not the fused (Y − T)/(B·n)); and the naive gradient against
//     central differences of the naive loss, so the reference itself is checked (not through ReLU or LeakyReLU: a difference
//     across its kink at 0 measures neither side's slope).
//   - The same with sample weights (zeros among them): the weighted Step against the weighted naive loss, its gradient
//     and its central differences.
//   - Saturated logits: an output pushed to y = 1 against a target 0 gives a large finite loss (the logs are floored
//     at −100) and the fused gradient (1 − 0)/(B·n), not a NaN.
//   - Refused: BinaryCrossEntropy without a Sigmoid output (constructor), a target outside [0, 1] in Step (nothing
//     changed) and in Fit.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class BinaryCrossEntropyTests
{
    private static Gen<BceCase> Cases { get; } =
        from sizes in Gen.Choose(2, 4).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 12), n))
        from hidden in Gen.Elements(MlpGenerators.HiddenActivations)
        from batch in Gen.Choose(1, 6)
        from seed in Gen.Choose(0, 10_000)
        select new BceCase(sizes, hidden, batch, seed);

    [Property(MaxTest = 100)]
    public Property Loss_and_gradients_match_the_naive_twin_and_its_central_differences() => Prop.ForAll(Arb.From(Cases), t => AssertMatches(t, weighted: false));

    [Property(MaxTest = 100)]
    public Property Weighted_loss_and_gradients_match_the_naive_twin_and_its_central_differences() => Prop.ForAll(Arb.From(Cases), t => AssertMatches(t, weighted: true));

    [Fact]
    public void A_saturated_wrong_output_gives_a_large_finite_loss_and_the_fused_gradient()
    {
        Network network = Network.Create([2, 1], Activation.Identity, Activation.Sigmoid, seed: 1);
        network.Parameters.Fill(60f);   // z = 60·(1 + 1) + 60 = 180: σ(z) is 1 in float
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.1f), maxBatch: 1, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float loss = trainer.Step([1f, 1f], [0f]);
        Assert.Equal(100f, loss);                                          // −ln(1 − 1) floored at −100
        Assert.Equal([1f, 1f, 1f], trainer.Gradients.ToArray());          // dZ = 1 − 0, times x and 1
    }

    [Fact]
    public void Bad_use_is_refused_with_nothing_changed()
    {
        Network softmax = Network.Create([3, 2], Activation.Identity, Activation.Softmax, seed: 1);
        Assert.Contains("Sigmoid", Assert.Throws<ArgumentException>(() => new Trainer(softmax, Loss.BinaryCrossEntropy, new Sgd(0.1f), 1)).Message, StringComparison.Ordinal);

        Network network = Network.Create([3, 2], Activation.Identity, Activation.Sigmoid, seed: 1);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.1f), maxBatch: 1, maxDegreeOfParallelism: 1);
        float[] before = network.Parameters.ToArray();
        foreach (float bad in new[] { -0.5f, 1.5f, float.NaN })
        {
            ArgumentException refused = Assert.Throws<ArgumentException>(() => trainer.Step([1f, 2f, 3f], [0.5f, bad]));
            Assert.Equal("targets", refused.ParamName);
            MlpAssert.BitIdentical(before, network.Parameters.ToArray(), $"parameters after target {bad}");
        }

        var data = new Dataset([1f, 2f, 3f, 4f, 5f, 6f], 3, [0f, 1f, 1f, 2f], 2);
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 1 })).Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(before, network.Parameters.ToArray(), "parameters after the refused fit");
    }

    private static void AssertMatches(BceCase t, bool weighted)
    {
        int[] sizes = t.Sizes;
        Network network = Network.Create(sizes, t.Hidden, Activation.Sigmoid, t.Seed);
        double[] theta = MlpReference.ToDouble(network.Parameters);
        var random = new Random(t.Seed);
        int nIn = sizes[0], nOut = sizes[^1];
        float[] inputs = [.. Enumerable.Range(0, t.Batch * nIn).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] targets = [.. Enumerable.Range(0, t.Batch * nOut).Select(i => i % 3 == 0 ? (float)random.NextDouble() : random.Next(2))];
        float[]? weights = weighted ? [.. Enumerable.Range(0, t.Batch).Select(r => r == 0 ? 1f : random.Next(3) == 0 ? 0f : (float)(random.NextDouble() * 3))] : null;
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.01f), t.Batch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        float loss = weights is null ? trainer.Step(inputs, targets) : trainer.Step(inputs, targets, weights);

        NaiveMlp mlp = MlpReference.For(sizes, t.Hidden, Activation.Sigmoid);
        double[] x = MlpReference.ToDouble(inputs), y = MlpReference.ToDouble(targets);
        double[]? w = weights is null ? null : MlpReference.ToDouble(weights);
        NaiveForwardPass forward = mlp.Forward(theta, x, t.Batch);
        double want = NaiveMlp.Loss(NaiveLoss.BinaryCrossEntropy, forward.Output, y, w);
        Assert.True(Math.Abs(loss - want) <= 1e-5 * Math.Max(1, Math.Abs(want)), $"{t}: loss {loss}, naive {want}");

        ReadOnlySpan<double> naive = mlp.Backward(theta, forward, NaiveLoss.BinaryCrossEntropy, y, w).Gradients;
        double[] numeric = t.Hidden is Activation.Relu or Activation.LeakyRelu ? new double[theta.Length] : FiniteDifference.LossGradient(mlp, NaiveLoss.BinaryCrossEntropy, theta, x, y, t.Batch, weights: w);
        double scale = Math.Max(1e-3, naive.ToArray().Max(Math.Abs));
        ReadOnlySpan<float> got = trainer.Gradients;
        for (int p = 0; p < theta.Length; p++)
        {
            Assert.True(t.Hidden is Activation.Relu or Activation.LeakyRelu || Math.Abs(naive[p] - numeric[p]) <= 1e-6 * scale, $"{t}: parameter {p}, naive {naive[p]}, central difference {numeric[p]}");
            Assert.True(Math.Abs(got[p] - naive[p]) <= 2e-5 * scale, $"{t}: parameter {p}, Trainer {got[p]}, naive {naive[p]}");
        }
    }

    private sealed record BceCase(int[] Sizes, Activation Hidden, int Batch, int Seed)
    {
        public override string ToString() => $"[{string.Join("-", Sizes)}] {Hidden}/Sigmoid, batch {Batch}, seed {Seed}";
    }
}
