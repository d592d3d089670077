// LearningTests: end-to-end training that only works if forward, backward and the update are right.
//   XOR: 2-2-1 sigmoid network, SumSquaredError, per-sample SGD (batch 1), seed 0, learning rate 0.5,
//        10,000 epochs over the 4 samples in the order 00, 01, 10, 11: every output ends within 0.1 of
//        its target (observed ≈ 0.015, 0.983, 0.983, 0.014).
//   Autoencoders 8-3-8, sigmoid hidden, identity output, MeanSquaredError, targets = the inputs (the same
//        span passed twice), full batch:
//        - on 32 samples of rank-3 data x = M·c (M 8×3, c ∈ U(−1, 1)³) the loss falls by over 100×
//          (observed about 470× with seed 0, learning rate 1, 2,000 steps);
//        - on the 8 one-hot vectors the loss converges to 1/16, the least any 3-unit bottleneck with an
//          affine decoder can reach (the outputs lie in a 3-dimensional affine subspace, so at best the
//          PCA reconstruction: 4 discarded eigenvalues of 1/8 per sample, over 8 outputs).
namespace FastMlp.Tests.Training;

public sealed class LearningTests
{
    [Fact]
    public void Xor_is_learned_by_a_2_2_1_sigmoid_network_with_per_sample_sgd()
    {
        var network = Network.Create([2, 2, 1], Activation.Sigmoid, Activation.Sigmoid, seed: 0);
        using var trainer = new Trainer(network, Loss.SumSquaredError, new Sgd(0.5f), maxBatch: 1, maxDegreeOfParallelism: 1);
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        for (int epoch = 0; epoch < 10_000; epoch++)
        {
            for (int s = 0; s < 4; s++)
            {
                trainer.Step(inputs.AsSpan(s * 2, 2), targets.AsSpan(s, 1));
            }
        }

        float[] outputs = new float[4];
        using Workspace workspace = network.CreateWorkspace(4, 1);
        network.Predict(inputs, outputs, workspace);
        for (int s = 0; s < 4; s++)
        {
            Assert.True(Math.Abs(outputs[s] - targets[s]) < 0.1f, $"XOR({inputs[2 * s]}, {inputs[(2 * s) + 1]}) = {outputs[s]}, target {targets[s]}; all outputs: {string.Join(", ", outputs)}.");
        }
    }

    [Fact]
    public void Autoencoder_loss_falls_more_than_100_fold_on_rank_3_data()
    {
        float[] data = RankThreeData(samples: 32, seed: 1);
        var network = Network.Create([8, 3, 8], Activation.Sigmoid, Activation.Identity, seed: 0);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(1f), maxBatch: 32, maxDegreeOfParallelism: 1);
        float first = trainer.Step(data, data), last = first;
        for (int step = 1; step < 2000; step++)
        {
            last = trainer.Step(data, data);
        }

        Assert.True(last * 100 < first, $"The loss went from {first} to {last} only.");
    }

    [Fact]
    public void One_hot_autoencoder_converges_to_the_bottleneck_optimum_of_one_sixteenth()
    {
        float[] data = new float[64];
        for (int i = 0; i < 8; i++)
        {
            data[i * 9] = 1;
        }

        var network = Network.Create([8, 3, 8], Activation.Sigmoid, Activation.Identity, seed: 0);
        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(0.5f), maxBatch: 8, maxDegreeOfParallelism: 1);
        float first = trainer.Step(data, data), last = first;
        for (int step = 1; step < 2000; step++)
        {
            last = trainer.Step(data, data);
        }

        Assert.True(first > 0.2f, $"The first loss {first} is already low; the test would prove nothing.");
        Assert.InRange(last, 0.0625f - 1e-6f, 0.0625f + 1e-4f);
    }

    /// <summary>[samples, 8]: x = M·c with a fixed random M (8×3) and c ∈ U(−1, 1)³ per sample.</summary>
    private static float[] RankThreeData(int samples, int seed)
    {
        var random = new Random(seed);
        double[,] m = new double[8, 3];
        for (int i = 0; i < 8; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                m[i, k] = (2 * random.NextDouble()) - 1;
            }
        }

        float[] x = new float[samples * 8];
        double[] c = new double[3];
        for (int s = 0; s < samples; s++)
        {
            for (int k = 0; k < 3; k++)
            {
                c[k] = (2 * random.NextDouble()) - 1;
            }

            for (int i = 0; i < 8; i++)
            {
                x[(s * 8) + i] = (float)((m[i, 0] * c[0]) + (m[i, 1] * c[1]) + (m[i, 2] * c[2]));
            }
        }

        return x;
    }
}
