// UpdateMagnitudeTests: the update driver reports, for every rule, max |p| and max |s| of each state buffer over
// the values it wrote (the update guard's bound on the next step), exactly, for every length 0..256 (every
// Vector512 and Vector256 body and scalar tail), and a non-finite value as soon as one written value anywhere
// is NaN or infinite.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class UpdateMagnitudeTests
{
    public static TheoryData<string> Kernels() => new("Sgd", "Sgd weight decay", "Sgd momentum", "Sgd Nesterov", "Adam", "RmsProp", "RmsProp momentum");

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_reported_magnitudes_are_the_largest_written_values(string kernel)
    {
        for (int length = 0; length <= 256; length++)
        {
            Buffers b = Buffers.Create(length, seed: length);
            UpdateMagnitudes got = Run(kernel, b);
            Assert.Equal(Largest(b.P), got.Parameters);
            Assert.Equal(States(kernel) > 0 ? Largest(b.First) : 0f, got.First);
            Assert.Equal(States(kernel) > 1 ? Largest(b.Second) : 0f, got.Second);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void One_non_finite_result_anywhere_is_reported(string kernel)
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            for (int length = 1; length <= 40; length++)
            {
                for (int at = 0; at < length; at++)
                {
                    Buffers b = Buffers.Create(length, seed: at);
                    b.G[at] = bad;
                    UpdateMagnitudes got = Run(kernel, b);
                    string where = $"{kernel}: {bad} gradient at {at} of {length}";
                    Assert.False(float.IsFinite(got.Parameters), $"{where}: max |p| {got.Parameters}");
                    Assert.False(States(kernel) > 0 && float.IsFinite(got.First), $"{where}: max |s1| {got.First}");
                    Assert.False(States(kernel) > 1 && float.IsFinite(got.Second), $"{where}: max |s2| {got.Second}");
                }
            }
        }
    }

    private static int States(string kernel) => kernel switch
    {
        "Sgd" or "Sgd weight decay" => 0,
        "Sgd momentum" or "Sgd Nesterov" or "RmsProp" => 1,
        _ => 2,
    };

    private static UpdateMagnitudes Run(string kernel, Buffers b) => kernel switch
    {
        "Sgd" => UpdateDriver.Run(new SgdRule(0.375f), b.G, default, default, b.P),
        "Sgd weight decay" => UpdateDriver.Run(new SgdDecayRule(0.375f, 0.25f), b.G, default, default, b.P),
        "Sgd momentum" => UpdateDriver.Run(new SgdMomentumRule(0.375f, 0.9f, 0.25f), b.G, b.First, default, b.P),
        "Sgd Nesterov" => UpdateDriver.Run(new SgdNesterovRule(0.375f, 0.9f, 0.25f), b.G, b.First, default, b.P),
        "Adam" => UpdateDriver.Run(new AdamRule(0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.25f, 0.5f, StepSize: 0.01f, C2: 3f), b.G, b.First, b.Second, b.P),
        "RmsProp" => UpdateDriver.Run(new RmsPropRule(0.375f, 0.99f, 0.01f, 1e-8f, 0.25f), b.G, b.First, default, b.P),
        "RmsProp momentum" => UpdateDriver.Run(new RmsPropMomentumRule(0.375f, 0.99f, 0.01f, 1e-8f, 0.25f, 0.9f), b.G, b.First, b.Second, b.P),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Not a kernel."),
    };

    private static float Largest(float[] values) => values.Length == 0 ? 0f : values.Max(MathF.Abs);

    /// <summary>Gradients and parameters in [−4, 4); both state buffers in [0, 1) (either may be v, which is never negative).</summary>
    private sealed record Buffers(float[] G, float[] P, float[] First, float[] Second)
    {
        public static Buffers Create(int length, int seed)
        {
            float[] g = OptimizerSetups.Values(length, seed), p = OptimizerSetups.Values(length, seed + 1);
            float[] first = OptimizerSetups.Values(length, seed + 2), second = OptimizerSetups.Values(length, seed + 3);
            for (int i = 0; i < length; i++)
            {
                (g[i], p[i], first[i], second[i]) = (4 * g[i], 4 * p[i], MathF.Abs(first[i]), MathF.Abs(second[i]));
            }

            return new Buffers(g, p, first, second);
        }
    }
}
