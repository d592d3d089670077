// PredictorProperties: Predictor.Predict against NaiveMlp.Forward (double) within MlpErrorBound, and bit for
// bit against Network.Predict on the network it was made from, for random architectures, every legal
// activation pair, batches 1..70 and 1 or 2 threads; PredictClasses against the index of the largest output.
// A BFloat16 predictor against NaiveMlp.Forward on the weights NaiveBFloat16 rounds (the float computation on
// those exact values, so the same derived bound holds), bit for bit against a 1-thread BFloat16 predictor when it
// has 2 threads, its classes against its own outputs.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Inference;

public sealed class PredictorProperties
{
    [Property(MaxTest = 150)]
    public Property Predict_matches_NaiveMlp_and_Network_Predict_bit_for_bit() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), Check);

    [Property(MaxTest = 150)]
    public Property BFloat16_Predict_matches_NaiveMlp_on_the_rounded_weights() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), CheckBFloat16);

    private static void CheckBFloat16(MlpTestCase t)
    {
        var data = MlpTestData.Create(t);
        Network network = MlpCheck.CreateNetwork(t, data);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = t.Batch, MaxDegreeOfParallelism = t.Threads, Precision = PredictorPrecision.BFloat16 });
        float[] got = new float[t.Batch * t.OutputSize];
        predictor.Predict(data.Inputs, got);

        NaiveMlp mlp = MlpReference.For(t);
        NaiveLoss loss = MlpReference.ToNaive(t.Loss);
        double[] theta = NaiveBFloat16.RoundWeights(mlp, MlpReference.ToDouble(data.Parameters));
        double[] targets = MlpReference.ToDouble(data.Targets);
        NaiveForwardPass forward = mlp.Forward(theta, MlpReference.ToDouble(data.Inputs), t.Batch);
        NaiveBackwardPass backward = mlp.Backward(theta, forward, loss, targets);
        MlpErrorBound bound = MlpErrorBound.Compute(mlp, theta, forward, backward, loss, targets, t.LearningRate);
        MlpAssert.Within("BFloat16 Predict outputs", got, MlpReference.Flatten(forward.Output), bound.Output, t);
        if (t.Threads != 1)
        {
            using var serial = Predictor.Create(network, new PredictorOptions { MaxBatch = t.Batch, MaxDegreeOfParallelism = 1, Precision = PredictorPrecision.BFloat16 });
            float[] one = new float[got.Length];
            serial.Predict(data.Inputs, one);
            MlpAssert.BitIdentical(one, got, $"BFloat16 Predictor on {t.Threads} threads against 1, {t}");
        }

        int[] classes = new int[t.Batch];
        predictor.PredictClasses(data.Inputs, classes);
        for (int r = 0; r < t.Batch; r++)
        {
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(got.AsSpan(r * t.OutputSize, t.OutputSize)), classes[r]);
        }
    }

    private static void Check(MlpTestCase t)
    {
        var data = MlpTestData.Create(t);
        Network network = MlpCheck.CreateNetwork(t, data);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = t.Batch, MaxDegreeOfParallelism = t.Threads });
        float[] got = new float[t.Batch * t.OutputSize], want = new float[got.Length];
        predictor.Predict(data.Inputs, got);
        using (Workspace workspace = network.CreateWorkspace(t.Batch, 1))
        {
            network.Predict(data.Inputs, want, workspace);
        }

        MlpAssert.BitIdentical(want, got, $"Predictor against Network.Predict, {t}");
        MlpCheck.PredictMatchesNaive(t);

        int[] classes = new int[t.Batch];
        predictor.PredictClasses(data.Inputs, classes);
        for (int r = 0; r < t.Batch; r++)
        {
            ReadOnlySpan<float> row = want.AsSpan(r * t.OutputSize, t.OutputSize);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row), classes[r]);
        }
    }
}
