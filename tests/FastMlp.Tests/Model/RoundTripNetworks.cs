// RoundTripNetworks: what the model-file round-trip properties (SerializationRoundTripTests, PyTorchRoundTripTests)
// share: parameters set to odd bit patterns a writer or reader could mangle, and the check that two networks
// predict the same bits.
using System.Runtime.InteropServices;

namespace FastMlp.Tests.Model;

internal static class RoundTripNetworks
{
    /// <summary>Sets every parameter, biases included, from <paramref name="seed"/>: −0, subnormals, large and tiny magnitudes.</summary>
    public static void FillOddBits(Span<float> parameters, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = random.Next(8) switch
            {
                0 => -0f,
                1 => BitConverter.Int32BitsToSingle(random.Next(1, 1 << 23)) * (random.Next(2) == 0 ? 1 : -1),
                2 => (float)(random.NextDouble() - 0.5) * 1e6f,
                _ => (float)(random.NextDouble() - 0.5) * 4,
            };
        }
    }

    /// <summary>Whether <paramref name="loaded"/> predicts the bits of <paramref name="original"/> on 3 rows derived from <paramref name="seed"/>.</summary>
    public static bool PredictSameBits(Network original, Network loaded, int seed)
    {
        const int batch = 3;
        float[] inputs = [.. Enumerable.Range(0, batch * original.InputSize).Select(i => (float)Math.Sin(i + seed))];
        float[] expected = new float[batch * original.OutputSize];
        float[] actual = new float[expected.Length];
        using (Workspace w = original.CreateWorkspace(batch, 1))
        {
            original.Predict(inputs, expected, w);
        }

        using (Workspace w = loaded.CreateWorkspace(batch, 1))
        {
            loaded.Predict(inputs, actual, w);
        }

        return BitsEqual(actual, expected);
    }

    public static bool BitsEqual(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => MemoryMarshal.AsBytes(x).SequenceEqual(MemoryMarshal.AsBytes(y));
}
