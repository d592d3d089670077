namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>Benchmark operands: uniform floats in [-1, 1] from a fixed seed, so every run multiplies the same data.</summary>
internal static class MatrixData
{
    public const int Seed = 20240613;

    public static float[] Random(int length, int seed = Seed)
    {
        Random random = new(seed);
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }

        return values;
    }
}
