// OptimizerTestCase: one randomly drawn optimizer run for the optimizer properties: which optimizer,
// its hyperparameters, how many parameters and steps, and a seed from which OptimizerTestData derives
// every number (starting parameters, a gradient per step, the learning rate of each step). Keeping the
// data a function of the seed keeps cases small to print and lets the length and step count shrink.
using System.Globalization;

using FastMlp.Reference;

namespace FastMlp.Tests.Infrastructure;

internal enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
    RmsProp,
}

/// <param name="Length">Parameters per Step, 0..300 (every vector body and tail).</param>
/// <param name="Momentum">μ of Sgd and RmsProp; 0 otherwise.</param>
/// <param name="Nesterov">Sgd only.</param>
/// <param name="Beta1">Adam and AdamW only.</param>
/// <param name="Beta2">Adam and AdamW only.</param>
/// <param name="Alpha">RmsProp only.</param>
/// <param name="Epsilon">Adam, AdamW and RmsProp.</param>
internal sealed record OptimizerTestCase(
    OptimizerKind Kind, int Length, int Steps, float LearningRate, float Momentum, bool Nesterov,
    float Beta1, float Beta2, float Alpha, float Epsilon, float WeightDecay, int Seed)
{
    /// <summary>The FastMlp optimizer of the case.</summary>
    public IAdjustableOptimizer Create() => Kind switch
    {
        OptimizerKind.Sgd => new Sgd(LearningRate, Momentum, Nesterov, WeightDecay),
        OptimizerKind.Adam => new Adam(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        OptimizerKind.AdamW => new AdamW(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        _ => new RmsProp(LearningRate, Alpha, Epsilon, WeightDecay, Momentum),
    };

    /// <summary>The naive twin of the case.</summary>
    public INaiveOptimizer CreateNaive() => Kind switch
    {
        OptimizerKind.Sgd => new NaiveSgd(LearningRate, Momentum, Nesterov, WeightDecay),
        OptimizerKind.Adam => new NaiveAdam(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        OptimizerKind.AdamW => new NaiveAdamW(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        _ => new NaiveRmsProp(LearningRate, Alpha, Epsilon, WeightDecay, Momentum),
    };

    public override string ToString()
    {
        string hyper = Kind switch
        {
            OptimizerKind.Sgd => $"momentum {Momentum:R}, nesterov {Nesterov}",
            OptimizerKind.RmsProp => $"alpha {Alpha:R}, epsilon {Epsilon:R}, momentum {Momentum:R}",
            _ => $"beta1 {Beta1:R}, beta2 {Beta2:R}, epsilon {Epsilon:R}",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Kind}: length {Length}, {Steps} steps, lr {LearningRate:R}, {hyper}, weight decay {WeightDecay:R}, seed {Seed}");
    }
}

/// <summary>The numbers of an <see cref="OptimizerTestCase"/>, derived from its seed.</summary>
internal sealed class OptimizerTestData
{
    private OptimizerTestData(float[] parameters, float[][] gradients, float[] rates)
    {
        Parameters = parameters;
        Gradients = gradients;
        Rates = rates;
    }

    /// <summary>The starting parameters [Length]: U(±1) times a per-case scale 2^−4..2^4.</summary>
    public float[] Parameters { get; }

    /// <summary>One gradient [Length] per step: U(±1) times a per-step scale 2^−16..2^4, an eighth of them exactly 0.</summary>
    public float[][] Gradients { get; }

    /// <summary>The learning rate of each step: the case's, or (half the time after the first) it times 2^−3..2.</summary>
    public float[] Rates { get; }

    public static OptimizerTestData Create(OptimizerTestCase t)
    {
        var random = new Random(t.Seed);
        float[] parameters = Draw(random, t.Length, Math.ScaleB(1.0, random.Next(-4, 5)), zeros: false);
        var gradients = new float[t.Steps][];
        var rates = new float[t.Steps];
        for (int s = 0; s < t.Steps; s++)
        {
            gradients[s] = Draw(random, t.Length, Math.ScaleB(1.0, random.Next(-16, 5)), zeros: true);
            rates[s] = s == 0 || random.Next(2) == 0 ? t.LearningRate : (float)Math.ScaleB(t.LearningRate, random.Next(-3, 2));
        }

        return new OptimizerTestData(parameters, gradients, rates);
    }

    private static float[] Draw(Random random, int length, double scale, bool zeros)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = zeros && random.Next(8) == 0 ? 0 : (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }
}
