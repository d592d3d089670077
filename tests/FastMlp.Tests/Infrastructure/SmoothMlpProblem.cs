// SmoothMlpProblem: a small network, batch and targets on which the loss is a smooth function of every
// parameter, for finite-difference checks. Parameters and inputs come from MlpTestData (the seed picks
// them); seeds are tried in order until every pre-activation of a ReLU layer is at least MinDistance
// from 0, so that a central difference with a step far below MinDistance never crosses a kink (a
// parameter step h moves a pre-activation by at most h·max(1, |a|, Σ|W|) ≪ MinDistance).
using FastMlp.Reference;

namespace FastMlp.Tests.Infrastructure;

internal sealed record SmoothMlpProblem(MlpTestCase Case, MlpTestData Data)
{
    /// <summary>The least |z| of a ReLU unit on the chosen problem.</summary>
    public const double MinDistance = 1e-2;

    public double[] Parameters => MlpReference.ToDouble(Data.Parameters);

    public double[] Inputs => MlpReference.ToDouble(Data.Inputs);

    public double[] Targets => MlpReference.ToDouble(Data.Targets);

    /// <summary>A problem with one-hot targets for CrossEntropy and targets in [−1, 1] otherwise, unless <paramref name="targets"/> says.</summary>
    public static SmoothMlpProblem Create(int[] sizes, Activation hidden, Activation output, Loss loss, int batch, MlpTargets? targets = null, int firstSeed = 1)
    {
        MlpTargets kind = targets ?? (loss == Loss.CrossEntropy ? MlpTargets.OneHot : MlpTargets.Symmetric);
        NaiveMlp mlp = MlpReference.For(sizes, hidden, output);
        for (int seed = firstSeed; seed < firstSeed + 1000; seed++)
        {
            var t = new MlpTestCase(sizes, hidden, output, loss, batch, kind, LearningRate: 0.125f, Threads: 1, seed);
            var data = MlpTestData.Create(t);
            NaiveForwardPass forward = mlp.Forward(MlpReference.ToDouble(data.Parameters), MlpReference.ToDouble(data.Inputs), batch);
            if (DistanceFromReluKinks(mlp, forward) >= MinDistance)
            {
                return new SmoothMlpProblem(t, data);
            }
        }

        throw new InvalidOperationException($"No seed in {firstSeed}..{firstSeed + 999} keeps the ReLU units of [{string.Join("-", sizes)}] {MinDistance} from their kinks.");
    }

    private static double DistanceFromReluKinks(NaiveMlp mlp, NaiveForwardPass forward)
    {
        double distance = double.PositiveInfinity;
        for (int l = 1; l <= mlp.Layers; l++)
        {
            if (mlp.Activation(l) is NaiveActivation.Relu or NaiveActivation.LeakyRelu)
            {
                foreach (double z in forward.Z(l))
                {
                    distance = Math.Min(distance, Math.Abs(z));
                }
            }
        }

        return distance;
    }
}
