// UpdateDriverTests: the flat update of every rule (UpdateDriver over IUpdateRule) against the rule's scalar
// formula written out here with MathF, one correctly rounded operation at a time, bit for bit, for every
// length 0..256 (every Vector512/Vector256 body and one-float tail), starting at element 0 and 1, with a
// sentinel after the end of every buffer that must survive; and IEEE special values through plain SGD.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class UpdateDriverTests
{
    private const float Sentinel = -7.5f;

    public static TheoryData<string> Rules() => new("Sgd", "Sgd weight decay", "Sgd momentum", "Sgd Nesterov", "Adam", "RmsProp", "RmsProp momentum");

    [Theory]
    [MemberData(nameof(Rules))]
    public void Every_length_matches_the_scalar_formula_and_writes_nothing_past_the_end(string rule)
    {
        var random = new Random(5);
        foreach (int start in new[] { 0, 1 })
        {
            for (int length = 0; length <= 256; length++)
            {
                float[] g = Fill(random, start + length + 1, 4), p = Fill(random, start + length + 1, 4);
                float[] s1 = Fill(random, start + length + 1, 1), s2 = Fill(random, start + length + 1, 1);
                foreach (float[] buffer in new[] { g, p, s1, s2 })
                {
                    buffer[start + length] = Sentinel;
                }

                (float[] wantP, float[] wantS1, float[] wantS2) = ((float[])p.Clone(), (float[])s1.Clone(), (float[])s2.Clone());
                for (int i = start; i < start + length; i++)
                {
                    wantP[i] = Formula(rule, g[i], wantP[i], ref wantS1[i], ref wantS2[i]);
                }

                Run(rule, g.AsSpan(start, length), s1.AsSpan(start, length), s2.AsSpan(start, length), p.AsSpan(start, length));
                string where = $"{rule}, length {length}, start {start}";
                MlpAssert.BitIdentical(wantP, p, $"{where}: parameters");
                MlpAssert.BitIdentical(wantS1, s1, $"{where}: first state buffer");
                MlpAssert.BitIdentical(wantS2, s2, $"{where}: second state buffer");
            }
        }
    }

    [Fact]
    public void Special_values_propagate_as_ieee_says()
    {
        float[] g = [float.NaN, float.PositiveInfinity, 1f, 0f, -0f];
        float[] p = [1f, 1f, float.NegativeInfinity, -0f, -0f];
        UpdateDriver.Run(new SgdRule(-2f), g, default, default, p);   // p ← fma(2, g, p)
        Assert.True(float.IsNaN(p[0]));
        Assert.Equal(float.PositiveInfinity, p[1]);
        Assert.Equal(float.NegativeInfinity, p[2]);
        Assert.True(p[3] == 0f && !float.IsNegative(p[3]), $"2·0 + (−0) is +0, got {p[3]}");
        Assert.True(p[4] == 0f && float.IsNegative(p[4]), $"2·(−0) + (−0) is −0, got {p[4]}");
    }

    private static void Run(string rule, ReadOnlySpan<float> g, Span<float> s1, Span<float> s2, Span<float> p) => _ = rule switch
    {
        "Sgd" => UpdateDriver.Run(new SgdRule(0.375f), g, default, default, p),
        "Sgd weight decay" => UpdateDriver.Run(new SgdDecayRule(0.375f, 0.25f), g, default, default, p),
        "Sgd momentum" => UpdateDriver.Run(new SgdMomentumRule(0.375f, 0.9f, 0.25f), g, s1, default, p),
        "Sgd Nesterov" => UpdateDriver.Run(new SgdNesterovRule(0.375f, 0.9f, 0.25f), g, s1, default, p),
        "Adam" => UpdateDriver.Run(new AdamRule(0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.25f, 0.5f, StepSize: 0.01f, C2: 3f), g, s1, s2, p),
        "RmsProp" => UpdateDriver.Run(new RmsPropRule(0.375f, 0.99f, 0.01f, 1e-8f, 0.25f), g, s1, default, p),
        "RmsProp momentum" => UpdateDriver.Run(new RmsPropMomentumRule(0.375f, 0.99f, 0.01f, 1e-8f, 0.25f, 0.9f), g, s1, s2, p),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Not a rule."),
    };

    /// <summary>The rule's formula for one element, as each rule's summary states it, with the constants of <see cref="Run"/>.</summary>
    private static float Formula(string rule, float g, float p, ref float s1, ref float s2)
    {
        switch (rule)
        {
            case "Sgd":
                return MathF.FusedMultiplyAdd(-0.375f, g, p);
            case "Sgd weight decay":
                return MathF.FusedMultiplyAdd(-0.375f, MathF.FusedMultiplyAdd(0.25f, p, g), p);
            case "Sgd momentum" or "Sgd Nesterov":
                {
                    float decayed = MathF.FusedMultiplyAdd(0.25f, p, g);
                    s1 = MathF.FusedMultiplyAdd(0.9f, s1, decayed);
                    float d = rule == "Sgd Nesterov" ? MathF.FusedMultiplyAdd(0.9f, s1, decayed) : s1;
                    return MathF.FusedMultiplyAdd(-0.375f, d, p);
                }

            case "Adam":
                {
                    float decayed = MathF.FusedMultiplyAdd(0.25f, p, g);
                    s1 = MathF.FusedMultiplyAdd(0.9f, s1, 0.1f * decayed);
                    s2 = MathF.FusedMultiplyAdd(0.999f, s2, 0.001f * decayed * decayed);
                    float denominator = MathF.FusedMultiplyAdd(MathF.Sqrt(s2), 3f, 1e-8f);
                    return MathF.FusedMultiplyAdd(-0.01f, s1 / denominator, p * 0.5f);
                }

            default:
                {
                    float decayed = MathF.FusedMultiplyAdd(0.25f, p, g);
                    s1 = MathF.FusedMultiplyAdd(0.99f, s1, 0.01f * decayed * decayed);
                    float scaled = decayed / (MathF.Sqrt(s1) + 1e-8f);
                    if (rule == "RmsProp")
                    {
                        return MathF.FusedMultiplyAdd(-0.375f, scaled, p);
                    }

                    s2 = MathF.FusedMultiplyAdd(0.9f, s2, scaled);
                    return MathF.FusedMultiplyAdd(-0.375f, s2, p);
                }
        }
    }

    /// <summary>Values in [0, scale) for state buffers (scale 1: either may be v, never negative), [−scale, scale) otherwise.</summary>
    private static float[] Fill(Random random, int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = scale == 1 ? (float)random.NextDouble() : (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}
