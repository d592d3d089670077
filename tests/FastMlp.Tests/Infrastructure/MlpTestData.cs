// MlpTestData: the numbers of an MlpTestCase, derived from its seed: parameters in the flat layout of
// DESIGN.md section 2, inputs [B, n_0] and targets [B, n_L]. Scales are chosen so that every unit works
// in its interesting range: W_l ~ U(±√(3 / n_{l−1})) makes z_l about unit variance for inputs of unit
// size, b_l ~ U(±0.5) puts biases to work (Network.Create would leave them 0), inputs ~ U(±1).
namespace FastMlp.Tests.Infrastructure;

internal sealed class MlpTestData
{
    private MlpTestData(float[] parameters, float[] inputs, float[] targets)
    {
        Parameters = parameters;
        Inputs = inputs;
        Targets = targets;
    }

    public float[] Parameters { get; }

    public float[] Inputs { get; }

    public float[] Targets { get; }

    public static MlpTestData Create(MlpTestCase t)
    {
        var random = new Random(t.Seed);
        var parameters = new List<float>();
        for (int l = 1; l < t.Sizes.Length; l++)
        {
            int nIn = t.Sizes[l - 1], nOut = t.Sizes[l];
            double limit = Math.Sqrt(3.0 / nIn);
            for (int w = 0; w < nIn * nOut; w++)
            {
                parameters.Add(Uniform(random, limit));
            }

            for (int b = 0; b < nOut; b++)
            {
                parameters.Add(Uniform(random, 0.5));
            }
        }

        float[] inputs = new float[t.Batch * t.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Uniform(random, 1);
        }

        return new MlpTestData([.. parameters], inputs, DrawTargets(t, random));
    }

    /// <summary>The same parameters with sample <paramref name="row"/> of the batch left out.</summary>
    public static MlpTestData Without(MlpTestData data, MlpTestCase t, int row)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MlpTestData(data.Parameters, Drop(data.Inputs, t.InputSize), Drop(data.Targets, t.OutputSize));
        float[] Drop(float[] values, int width) => [.. values[..(row * width)], .. values[((row + 1) * width)..]];
    }

    /// <summary>The same parameters with samples [start, start + count) of the batch: one worker's shard.</summary>
    public static MlpTestData Rows(MlpTestData data, MlpTestCase t, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MlpTestData(data.Parameters, data.Inputs[(start * t.InputSize)..((start + count) * t.InputSize)], data.Targets[(start * t.OutputSize)..((start + count) * t.OutputSize)]);
    }

    /// <summary>Targets [B, n] of the given kind.</summary>
    public static float[] DrawTargets(MlpTestCase t, Random random)
    {
        int n = t.OutputSize;
        float[] targets = new float[t.Batch * n];
        for (int b = 0; b < t.Batch; b++)
        {
            if (t.Targets == MlpTargets.OneHot)
            {
                targets[(b * n) + random.Next(n)] = 1;
                continue;
            }

            Span<float> row = targets.AsSpan(b * n, n);
            for (int j = 0; j < n; j++)
            {
                row[j] = t.Targets switch
                {
                    MlpTargets.Symmetric => Uniform(random, 1),
                    MlpTargets.Counts => random.Next(3),
                    _ => (float)random.NextDouble(),
                };
            }

            if (t.Targets == MlpTargets.Distribution)
            {
                float sum = 0;
                foreach (float v in row)
                {
                    sum += v;
                }

                for (int j = 0; j < n; j++)
                {
                    row[j] /= sum;
                }
            }
        }

        return targets;
    }

    /// <summary>
    /// Sample weights [B] for a case, from its seed (another stream than its data): by the seed, uniform in [0, 4) with
    /// about a third 0, all equal (the unweighted path), powers of two from 2⁻⁴ to 2⁴ or 0, or spread from 10⁻³ to 10³ with
    /// zeros; never all 0.
    /// </summary>
    public static float[] DrawWeights(MlpTestCase t)
    {
        var random = new Random(t.Seed ^ 0x5EED);
        int kind = random.Next(4);
        float equal = (float)(0.1 + (random.NextDouble() * 5));
        float[] weights = new float[t.Batch];
        for (int b = 0; b < weights.Length; b++)
        {
            bool zero = random.Next(3) == 0;
            weights[b] = kind switch
            {
                0 => zero ? 0 : (float)(random.NextDouble() * 4),
                1 => equal,
                2 => zero ? 0 : MathF.ScaleB(1, random.Next(-4, 5)),
                _ => zero ? 0 : (float)Math.Pow(10, (random.NextDouble() * 6) - 3),
            };
        }

        if (weights.All(w => w == 0))
        {
            weights[random.Next(weights.Length)] = 1;
        }

        return weights;
    }

    /// <summary>U(−limit, limit), rounded to float.</summary>
    public static float Uniform(Random random, double limit) => (float)(limit * ((2 * random.NextDouble()) - 1));
}
