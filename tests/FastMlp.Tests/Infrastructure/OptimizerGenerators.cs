// OptimizerGenerators: FsCheck generators and shrinkers for OptimizerTestCase. Lengths 0..300, drawn
// often at the edges of the Vector512 (16) and Vector256 (8) bodies and their scalar tails; hyperparameters
// over their whole valid ranges, with the usual defaults and the boundary 0 drawn on purpose (β = 0,
// no momentum, no weight decay), learning rates and ε log-uniform over many decades.
using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Infrastructure;

internal static class OptimizerGenerators
{
    /// <summary>The most parameters a case steps.</summary>
    public const int MaxLength = 300;

    private static readonly int[] s_edges = [0, 1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300];

    public static Gen<int> Length { get; } = Gen.Frequency((3, Gen.Elements(s_edges)), (4, Gen.Choose(0, MaxLength)));

    /// <summary>μ: none, a usual value, or anything in [0, 0.999].</summary>
    public static Gen<float> Momentum { get; } = Gen.Frequency(
        (2, Gen.Constant(0f)), (1, Gen.Elements(0.9f, 0.99f)), (2, Gen.Choose(0, 999).Select(k => k / 1000f)));

    /// <summary>A decay rate in [0, 1): 0, <paramref name="usual"/>, or uniform in [0, 0.9999].</summary>
    public static Gen<float> DecayRate(float usual) => Gen.Frequency(
        (1, Gen.Constant(0f)), (2, Gen.Constant(usual)), (3, Gen.Choose(0, 9999).Select(k => k / 10000f)));

    /// <summary>λ: none, or log-uniform in [1e-6, 0.5].</summary>
    public static Gen<float> WeightDecay { get; } = Gen.Frequency((1, Gen.Constant(0f)), (2, LogUniform(1e-6, 0.5)));

    /// <summary>ε: the default 1e-8, or log-uniform in [1e-8, 1] (large enough to matter next to √v).</summary>
    public static Gen<float> Epsilon { get; } = Gen.Frequency((1, Gen.Constant(1e-8f)), (3, LogUniform(1e-8, 1)));

    /// <summary>lr log-uniform in [1e-4, 1].</summary>
    public static Gen<float> LearningRate { get; } = LogUniform(1e-4, 1);

    public static Gen<OptimizerTestCase> Cases(OptimizerKind kind)
    {
        bool momentum = kind is OptimizerKind.Sgd or OptimizerKind.RmsProp, adam = kind is OptimizerKind.Adam or OptimizerKind.AdamW;
        return
            from length in Length
            from steps in Gen.Choose(1, 6)
            from lr in LearningRate
            from mu in momentum ? Momentum : Gen.Constant(0f)
            from nesterov in kind == OptimizerKind.Sgd && mu > 0 ? Gen.Elements(false, true) : Gen.Constant(false)
            from beta1 in adam ? DecayRate(0.9f) : Gen.Constant(0f)
            from beta2 in adam ? DecayRate(0.999f) : Gen.Constant(0f)
            from alpha in kind == OptimizerKind.RmsProp ? DecayRate(0.99f) : Gen.Constant(0f)
            from epsilon in kind == OptimizerKind.Sgd ? Gen.Constant(0f) : Epsilon
            from weightDecay in WeightDecay
            from seed in Gen.Choose(0, int.MaxValue)
            select new OptimizerTestCase(kind, length, steps, lr, mu, nesterov, beta1, beta2, alpha, epsilon, weightDecay, seed);
    }

    public static Arbitrary<OptimizerTestCase> Arbitrary(OptimizerKind kind) => Arb.From(Cases(kind), Shrink);

    /// <summary>Shorter, then fewer steps; the optimizer, hyperparameters and seed are kept.</summary>
    public static IEnumerable<OptimizerTestCase> Shrink(OptimizerTestCase t)
    {
        foreach (int length in new[] { 0, 1, t.Length / 2, t.Length - 1 }.Where(n => n >= 0 && n < t.Length).Distinct())
        {
            yield return t with { Length = length };
        }

        foreach (int steps in new[] { 1, t.Steps - 1 }.Where(s => s >= 1 && s < t.Steps).Distinct())
        {
            yield return t with { Steps = steps };
        }
    }

    private static Gen<float> LogUniform(double low, double high) =>
        Gen.Choose(0, 1 << 20).Select(k => (float)(low * Math.Pow(high / low, k / (double)(1 << 20))));
}
