// GeluSiluTrainingTests: what training with GELU and SiLU relies on beyond the naive-twin properties (which draw both
// from MlpGenerators.HiddenActivations): the fused update's bound on f' (Trainer.MaxDerivative) holds for every float
// slope the kernels compute on [0.25, 16], where both peak; the tiny path refuses them (it keeps no input to take f'
// from); with dropout, 1 and 2 threads give the same bits, fused batches included; a model file round-trips them.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class GeluSiluTrainingTests
{
    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Silu)]
    public void The_fused_updates_derivative_bound_holds_for_every_computed_slope(Activation activation)
    {
        double bound = Trainer.MaxDerivative(activation);
        float max = 0, argMax = 0;
        for (uint bits = BitConverter.SingleToUInt32Bits(0.25f), end = BitConverter.SingleToUInt32Bits(16f); bits < end; bits++)
        {
            float x = BitConverter.UInt32BitsToSingle(bits);
            float s = activation == Activation.Gelu ? GeluOperator.Derivative(x, 1f) : SiluOperator.Derivative(x, 1f);
            if (Math.Abs(s) > max)
            {
                (max, argMax) = (Math.Abs(s), x);
            }
        }

        Assert.True(max <= bound, $"{activation}: computed slope {max:R} at x = {argMax:R} exceeds MaxDerivative {bound}");
        Assert.True(max > 1.09, $"{activation}: the sweep missed the peak ({max:R})");
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Silu)]
    public void The_tiny_path_refuses_them(Activation hidden)
    {
        Network network = Network.Create([2, 3, 1], hidden, Activation.Identity, seed: 1);
        using Workspace workspace = network.CreateWorkspace(4);
        Assert.Null(TinyStep.TryCreate(network, Loss.MeanSquaredError, workspace, new PinnedFloats(network.Parameters.Length)));
        Network output = Network.Create([2, 3, 1], Activation.Tanh, hidden, seed: 1);
        Assert.Null(TinyStep.TryCreate(output, Loss.MeanSquaredError, workspace, new PinnedFloats(output.Parameters.Length)));
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Silu)]
    public void With_dropout_one_and_two_threads_give_the_same_bits(Activation hidden)
    {
        float[] Train(int threads)
        {
            Network network = Network.Create([64, 384, 384, 10], hidden, Activation.Softmax, seed: 5);
            using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.05f), 64, threads) { DropoutRates = [0.3f, 0.2f], DropoutSeed = 4 };
            var random = new Random(3);
            float[] inputs = [.. Enumerable.Range(0, 64 * 64).Select(_ => (float)random.NextDouble() - 0.5f)];
            float[] targets = new float[64 * 10];
            for (int b = 0; b < 64; b++)
            {
                targets[(b * 10) + (b % 10)] = 1;
            }

            for (int s = 0; s < 3; s++)
            {
                trainer.Step(inputs, targets);
                trainer.Step(inputs.AsSpan(0, 3 * 64), targets.AsSpan(0, 3 * 10));   // a fused batch too
            }

            return network.Parameters.ToArray();
        }

        MlpAssert.BitIdentical(Train(1), Train(2), $"{hidden} with dropout, 1 vs 2 threads");
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Silu)]
    public void A_model_with_them_round_trips_and_predicts_the_same_bits(Activation hidden)
    {
        foreach (Activation[] activations in new[] { new[] { hidden, hidden, Activation.Softmax }, new[] { hidden, Activation.Relu, hidden } })
        {
            Network network = Network.Create([5, 7, 6, 3], activations, seed: 2);
            using var stream = new MemoryStream();
            network.Save(stream);
            stream.Position = 0;
            Network loaded = Network.Load(stream);
            Assert.Equal(activations, loaded.Activations);
            float[] inputs = [.. Enumerable.Range(0, 4 * 5).Select(i => (i * 0.37f) - 3f)], a = new float[12], b = new float[12];
            using Workspace wa = network.CreateWorkspace(4), wb = loaded.CreateWorkspace(4);
            network.Predict(inputs, a, wa);
            loaded.Predict(inputs, b, wb);
            MlpAssert.BitIdentical(a, b, $"{string.Join('/', activations)} after a round trip");
        }
    }
}
