// SaturationTrainingTests: training stays finite where the forward pass saturates. Cross-entropy of a
// softmax that puts probability 0 on the target class is the documented floor −ln(2^-126) ≈ 87.34 per
// sample, not infinity, and its gradient is the exact (P − T)/B; sigmoid units driven to ±100 give
// finite (vanishing) gradients with a squared error.
namespace FastMlp.Tests.Training;

public sealed class SaturationTrainingTests
{
    [Fact]
    public void Cross_entropy_of_a_certainly_wrong_softmax_is_the_finite_floor()
    {
        // One layer 1 → 3, logits [1000, −1000, 999] for input 1: p ≈ [0.731, 0, 0.269]; target class 1 (p = 0).
        Network network = Network.Create([1, 3], Activation.Identity, Activation.Softmax, seed: 0);
        float[] p = [1000, -1000, 999, 0, 0, 0];
        p.CopyTo(network.Parameters);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(1e-3f), 2, 1) { KeepsGradients = true };
        float loss = trainer.Step([1, 1], [0, 1, 0, 0, 1, 0]);

        double floor = -Math.Log(Math.ScaleB(1.0, -126));
        Assert.Equal(floor, loss, 1e-4);
        double e = Math.Exp(-1), p0 = 1 / (1 + e), p2 = e / (1 + e);
        // dZ = (P − T) / 2 per sample, both samples alike; dW = Σ_b x_b·dZ_b = 2·dZ (x = 1), db = the same.
        double[] want = [p0, -1, p2, p0, -1, p2];
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(Math.Abs(trainer.Gradients[i] - want[i]) <= 1e-6, $"gradient {i} = {trainer.Gradients[i]}, expected {want[i]}");
        }
    }

    [Fact]
    public void Saturated_sigmoids_give_finite_gradients()
    {
        Network network = Network.Create([1, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);
        float[] p = [100, -100, 0, 0, 100, -100, 0];
        p.CopyTo(network.Parameters);
        using var trainer = new Trainer(network, Loss.SumSquaredError, new Sgd(0.5f), 2, 1) { KeepsGradients = true };
        float loss = trainer.Step([1, -1], [0, 1]);
        Assert.Equal(1f, loss, 1e-6f);   // outputs sigmoid(±100) against targets 0, 1: both samples wrong by 1
        Assert.All(trainer.Gradients.ToArray(), g => Assert.True(float.IsFinite(g), $"gradient {g}"));
        Assert.All(network.Parameters.ToArray(), v => Assert.True(float.IsFinite(v), $"parameter {v}"));
    }
}
