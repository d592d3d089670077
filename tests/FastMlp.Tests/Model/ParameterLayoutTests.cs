// ParameterLayoutTests: the public flat layout of Network.Parameters and Trainer.Gradients (DESIGN.md
// section 2), pinned with small integers worked by hand so every value is exact: layer by layer, W_l as
// [n_{l−1}, n_l] row-major (W_l[i, j] from input i to unit j, so Z = X·W + b), then b_l.
namespace FastMlp.Tests.Model;

public sealed class ParameterLayoutTests
{
    [Fact]
    public void Predict_reads_weights_as_in_by_out_row_major_then_biases()
    {
        Network network = Network.Create([2, 3, 2], Activation.Identity, Activation.Identity, seed: 0);
        float[] p =
        [
            1, 2, 3, 4, 5, 6,        // W_1 [2, 3]: rows are inputs
            0.5f, -0.5f, 1,          // b_1 [3]
            1, -1, 2, 0, 0, 3,       // W_2 [3, 2]
            0.25f, -0.25f,           // b_2 [2]
        ];
        Assert.Equal(p.Length, network.Parameters.Length);
        p.CopyTo(network.Parameters);
        float[] outputs = new float[4];
        using Workspace workspace = network.CreateWorkspace(2, 1);
        network.Predict([1, 2, 0, -1], outputs, workspace);

        // x = [1, 2]:  z_1 = [1 + 8 + 0.5, 2 + 10 − 0.5, 3 + 12 + 1] = [9.5, 11.5, 16];
        //              y = [9.5 + 23 + 0.25, −9.5 + 48 − 0.25] = [32.75, 38.25].
        // x = [0, −1]: z_1 = [−4 + 0.5, −5 − 0.5, −6 + 1] = [−3.5, −5.5, −5];
        //              y = [−3.5 − 11 + 0.25, 3.5 − 15 − 0.25] = [−14.25, −11.75].
        Assert.Equal([32.75f, 38.25f, -14.25f, -11.75f], outputs);
    }

    [Fact]
    public void Gradients_use_the_same_layout()
    {
        // One identity layer 2 → 3, SumSquaredError, batch 1: dW[i, j] = x_i · 2 (y_j − t_j), db = 2 (y − t).
        Network network = Network.Create([2, 3], Activation.Identity, Activation.Identity, seed: 0);
        float[] p = [1, 0, -1, 2, 1, 0, 0, 0, 0];
        p.CopyTo(network.Parameters);
        using var trainer = new Trainer(network, Loss.SumSquaredError, new Sgd(0.25f), 1, 1) { KeepsGradients = true };
        float loss = trainer.Step([1, 2], [4, 1, -2]);

        // y = [1 + 4, 0 + 2, −1 + 0] = [5, 2, −1]; y − t = [1, 1, 1]; loss = 3.
        Assert.Equal(3f, loss);
        Assert.Equal([2f, 2, 2, 4, 4, 4, 2, 2, 2], trainer.Gradients.ToArray());
        Assert.Equal([0.5f, -0.5f, -1.5f, 1, 0, -1, -0.5f, -0.5f, -0.5f], network.Parameters.ToArray());
    }
}
