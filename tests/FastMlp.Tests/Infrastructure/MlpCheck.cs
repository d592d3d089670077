// MlpCheck: the properties the Network/Trainer tests reduce to. For one MlpTestCase, build a Network
// holding the case's parameters, compute the same thing with NaiveMlp in double, and compare within
// MlpErrorBound: Predict's outputs; Trainer.Step's loss, Gradients, and the parameters after its SGD step;
// with sample weights, the weighted Step against the weighted naive loss and gradient.
using FastMlp.Reference;

using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Infrastructure;

internal static class MlpCheck
{
    /// <summary>A Network with the case's architecture and parameters.</summary>
    public static Network CreateNetwork(MlpTestCase t, MlpTestData data)
    {
        var network = Network.Create(t.Sizes, t.Hidden, t.Output, seed: 0);
        data.Parameters.CopyTo(network.Parameters);
        return network;
    }

    /// <summary>Predict's outputs match NaiveMlp.Forward's within the bound (ReLU kinks do not matter here).</summary>
    public static void PredictMatchesNaive(MlpTestCase t)
    {
        var data = MlpTestData.Create(t);
        Reference reference = Reference.Compute(t, data);
        Network network = CreateNetwork(t, data);
        using Workspace workspace = network.CreateWorkspace(t.Batch, t.Threads);
        float[] outputs = new float[t.Batch * t.OutputSize];
        network.Predict(data.Inputs, outputs, workspace);
        MlpAssert.Within("Predict outputs", outputs, reference.Outputs, reference.Bound.Output, t);
    }

    /// <summary>
    /// Predict's outputs, then one Trainer.Step (Sgd): the loss it returns, Trainer.Gradients and the updated
    /// parameters all match NaiveMlp. A case with a ReLU pre-activation within rounding of 0 is discarded.
    /// </summary>
    public static Property StepMatchesNaive(MlpTestCase t) => StepMatchesNaive(t, null);

    /// <summary>As <see cref="StepMatchesNaive(MlpTestCase)"/>, with Trainer.Step(inputs, targets, weights) when weights are given.</summary>
    public static Property StepMatchesNaive(MlpTestCase t, float[]? weights)
    {
        var data = MlpTestData.Create(t);
        Reference reference = Reference.Compute(t, data, weights);
        return Prop.When(!reference.Bound.NearReluKink, () =>
        {
            Network network = CreateNetwork(t, data);
            using (Workspace workspace = network.CreateWorkspace(t.Batch, t.Threads))
            {
                float[] outputs = new float[t.Batch * t.OutputSize];
                network.Predict(data.Inputs, outputs, workspace);
                MlpAssert.Within("Predict outputs", outputs, reference.Outputs, reference.Bound.Output, t);
            }

            using var trainer = new Trainer(network, t.Loss, new Sgd(t.LearningRate), t.Batch, t.Threads) { KeepsGradients = true };
            float loss = weights is null ? trainer.Step(data.Inputs, data.Targets) : trainer.Step(data.Inputs, data.Targets, weights);
            MlpAssert.Within("Step loss", 0, loss, reference.Loss, reference.Bound.Loss, t);
            MlpAssert.Within("Gradients", trainer.Gradients, reference.Gradients, reference.Bound.Gradients, t);
            MlpAssert.Within("Parameters after the step", network.Parameters, reference.Stepped, reference.Bound.Parameters, t);
        });
    }

    /// <summary>Everything NaiveMlp says about a case (weighted when weights are given), with the bounds.</summary>
    public sealed record Reference(double[] Outputs, double Loss, double[] Gradients, double[] Stepped, MlpErrorBound Bound)
    {
        public static Reference Compute(MlpTestCase t, MlpTestData data, float[]? sampleWeights = null)
        {
            NaiveMlp mlp = MlpReference.For(t);
            NaiveLoss loss = MlpReference.ToNaive(t.Loss);
            double[] theta = MlpReference.ToDouble(data.Parameters);
            double[] targets = MlpReference.ToDouble(data.Targets);
            double[]? weights = sampleWeights is null ? null : MlpReference.ToDouble(sampleWeights);
            NaiveForwardPass forward = mlp.Forward(theta, MlpReference.ToDouble(data.Inputs), t.Batch);
            NaiveBackwardPass backward = mlp.Backward(theta, forward, loss, targets, weights);
            return new Reference(
                MlpReference.Flatten(forward.Output),
                NaiveMlp.Loss(loss, forward.Output, targets, weights),
                backward.GradientsCopy(),
                NaiveMlp.SgdStep(theta, backward.Gradients, t.LearningRate),
                MlpErrorBound.Compute(mlp, theta, forward, backward, loss, targets, t.LearningRate, weights));
        }
    }
}
