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

    /// <summary>U(−limit, limit), rounded to float.</summary>
    public static float Uniform(Random random, double limit) => (float)(limit * ((2 * random.NextDouble()) - 1));
}
