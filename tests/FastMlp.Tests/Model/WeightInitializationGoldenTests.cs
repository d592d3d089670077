// WeightInitializationGoldenTests: the same seed gives the same weights on every machine (issue 9,
// item 11). The initializer uses only IEEE basic operations and square roots (correctly rounded
// everywhere) and PortableMath's logarithm and cosine (fixed polynomials in basic operations), never the
// platform's Math.Log or Math.Cos, whose last bits vary between math libraries.
//   - Golden bits: a few weights of a [6, 5, 3] network per scheme, as computed at 8b1d845 on this
//     machine (x64, glibc); the portable initializer reproduces every one of them, so any change on any
//     platform shows here.
//   - A twin written from the formulas (SplitMix64; uniform as limit · (2u − 1); normal by Box–Muller with
//     Math.Log and Math.Cos, in double): uniform weights are bit-identical to it (basic operations only),
//     normal weights within 1 float ulp of it (the twin's math library and PortableMath may differ in
//     the last double bit, which rounding to float almost always hides).
namespace FastMlp.Tests.Model;

public sealed class WeightInitializationGoldenTests
{
    private static readonly int[] s_sizes = [6, 5, 3];

    /// <summary>Parameter indices pinned: W1[0, 0..2], W1[5, 4] (last), W2[0, 0], W2[4, 2] (last).</summary>
    private static readonly int[] s_indices = [0, 1, 2, 29, 35, 49];

    public static TheoryData<WeightInitialization, uint[]> Golden() => new()
    {
        { WeightInitialization.Default, [0xBEBC2A6E, 0xBEF3568D, 0x3E8D5AF9, 0x3F519751, 0x3E796EF4, 0x3E6897F4] },
        { WeightInitialization.GlorotUniform, [0xBE8AF838, 0xBEB3B793, 0x3E50CBB3, 0x3F1ACB14, 0x3E796EF4, 0x3E6897F4] },
        { WeightInitialization.GlorotNormal, [0xBCEC6636, 0xBF1B8E54, 0xBE788952, 0x3F454B01, 0xBF05F422, 0x3E678C9E] },
        { WeightInitialization.HeUniform, [0xBEBC2A6E, 0xBEF3568D, 0x3E8D5AF9, 0x3F519751, 0x3E9DC16B, 0x3E931AE7] },
        { WeightInitialization.HeNormal, [0xBD200B06, 0xBF529FB0, 0xBEA8428C, 0x3F859167, 0xBF297080, 0x3E9271D3] },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Weights_have_the_golden_bits(WeightInitialization scheme, uint[] bits)
    {
        Network network = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, seed: 11, scheme);
        uint[] got = [.. s_indices.Select(i => BitConverter.SingleToUInt32Bits(network.Parameters[i]))];
        Assert.Equal(string.Join(", ", bits.Select(b => $"0x{b:X8}")), string.Join(", ", got.Select(b => $"0x{b:X8}")));
    }

    [Theory]
    [InlineData(WeightInitialization.Default)]
    [InlineData(WeightInitialization.GlorotUniform)]
    [InlineData(WeightInitialization.GlorotNormal)]
    [InlineData(WeightInitialization.HeUniform)]
    [InlineData(WeightInitialization.HeNormal)]
    public void Weights_match_the_formula_twin(WeightInitialization scheme)
    {
        int[] sizes = [400, 300, 20];
        foreach (int seed in new[] { 0, 1, -1, int.MaxValue })
        {
            float[] got = Network.Create(sizes, Activation.Relu, Activation.Softmax, seed, scheme).Parameters.ToArray();
            float[] want = Twin(sizes, scheme, seed, out bool[] normal);
            int offset = 0;
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                int weights = sizes[l] * sizes[l + 1];
                for (int i = offset; i < offset + weights; i++)
                {
                    int apart = Math.Abs(BitConverter.SingleToInt32Bits(got[i]) - BitConverter.SingleToInt32Bits(want[i]));
                    if (normal[l] ? apart > 1 || Math.Sign(got[i]) != Math.Sign(want[i]) : apart != 0)
                    {
                        Assert.Fail($"{scheme}, seed {seed}, parameter {i}: {got[i]:R}, the twin gives {want[i]:R} ({apart} ulps apart; allowed {(normal[l] ? 1 : 0)}).");
                    }
                }

                offset += weights + sizes[l + 1];
            }
        }
    }

    /// <summary>The initial parameters from the formulas in double, with the platform's Math.Log and Math.Cos.</summary>
    private static float[] Twin(int[] sizes, WeightInitialization scheme, int seed, out bool[] normal)
    {
        ulong state = (uint)seed;
        var parameters = new List<float>();
        normal = new bool[sizes.Length - 1];
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            bool relu = l + 2 < sizes.Length;
            WeightInitialization layer = scheme != WeightInitialization.Default ? scheme : relu ? WeightInitialization.HeUniform : WeightInitialization.GlorotUniform;
            bool he = layer is WeightInitialization.HeUniform or WeightInitialization.HeNormal;
            normal[l] = layer is WeightInitialization.GlorotNormal or WeightInitialization.HeNormal;
            double fans = he ? sizes[l] : sizes[l] + sizes[l + 1];
            for (int i = 0; i < sizes[l] * sizes[l + 1]; i++)
            {
                double w = normal[l]
                    ? Math.Sqrt(2 / fans) * (Math.Sqrt(-2 * Math.Log(1 - Uniform(ref state))) * Math.Cos(2 * Math.PI * Uniform(ref state)))
                    : Math.Sqrt(6 / fans) * ((2 * Uniform(ref state)) - 1);
                parameters.Add((float)w);
            }

            parameters.AddRange(new float[sizes[l + 1]]);
        }

        return [.. parameters];
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014), 53 bits to [0, 1).</summary>
    private static double Uniform(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }
}
