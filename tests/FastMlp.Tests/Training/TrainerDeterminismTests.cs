// TrainerDeterminismTests: on one thread, training is a pure function of the seed and the data. Two
// networks created with the same seed and trained side by side (interleaved, each with its own
// Trainer) hold bit-identical parameters, gradients and losses after every one of 60 steps of mixed
// batch sizes, for several architecture/activation/loss triples; and they did move.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class TrainerDeterminismTests
{
    public static TheoryData<int[], Activation, Activation, Loss> Setups() => new()
    {
        { [20, 16, 8, 4], Activation.Tanh, Activation.Softmax, Loss.CrossEntropy },
        { [9, 33, 7], Activation.Relu, Activation.Identity, Loss.MeanSquaredError },
        { [3, 5, 5, 6], Activation.Sigmoid, Activation.Softmax, Loss.SumSquaredError },
        { [784, 64, 10], Activation.Relu, Activation.Softmax, Loss.CrossEntropy },
    };

    [Theory]
    [MemberData(nameof(Setups))]
    public void The_same_seed_trains_to_bit_identical_parameters(int[] sizes, Activation hidden, Activation output, Loss loss)
    {
        const int maxBatch = 17, steps = 60;
        Network a = Network.Create(sizes, hidden, output, seed: 42);
        Network b = Network.Create(sizes, hidden, output, seed: 42);
        float[] initial = a.Parameters.ToArray();
        using var trainerA = new Trainer(a, loss, new Sgd(0.05f), maxBatch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        using var trainerB = new Trainer(b, loss, new Sgd(0.05f), maxBatch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        var random = new Random(3);
        for (int step = 0; step < steps; step++)
        {
            int batch = 1 + (step * 7 % maxBatch);
            var t = new MlpTestCase(sizes, hidden, output, loss, batch, loss == Loss.CrossEntropy ? MlpTargets.OneHot : MlpTargets.Unit, 0.05f, 1, step);
            float[] inputs = new float[batch * sizes[0]];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = MlpTestData.Uniform(random, 1);
            }

            float[] targets = MlpTestData.DrawTargets(t, random);
            float lossA = trainerA.Step(inputs, targets);
            float lossB = trainerB.Step(inputs, targets);
            Assert.Equal(BitConverter.SingleToInt32Bits(lossA), BitConverter.SingleToInt32Bits(lossB));
            MlpAssert.BitIdentical(trainerA.Gradients, trainerB.Gradients, $"gradients of step {step}");
            MlpAssert.BitIdentical(a.Parameters, b.Parameters, $"parameters after step {step}");
        }

        Assert.False(initial.AsSpan().SequenceEqual(a.Parameters), "Training did not change the parameters.");
    }
}
