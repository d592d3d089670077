namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// The W2/W3 network of WORKLOADS.md, 784-256-128-10 (ReLU hidden, Softmax output), its FLOP counts, and
/// seeded benchmark data for it.
/// </summary>
internal static class NetworkData
{
    public const int Seed = 20240613;

    /// <summary>[inputs, hidden..., outputs] of the W2/W3 network.</summary>
    public static readonly int[] MnistShaped = [784, 256, 128, 10];

    /// <summary>
    /// One forward pass per sample, multiply-adds of the three layers only:
    /// 2·(784·256 + 256·128 + 128·10) = 2·234,752 = 469,504.
    /// </summary>
    public const double ForwardFlopsPerSample = 2.0 * ((784 * 256) + (256 * 128) + (128 * 10));

    /// <summary>
    /// One training step per sample, the three GEMMs per layer: forward 2·234,752, weight gradients dW = Aᵀ·dZ
    /// another 2·234,752, and input gradients dX = dZ·Wᵀ for layers 2 and 3 only (the Trainer computes no
    /// gradient of the network's input) 2·(256·128 + 128·10) = 68,096; total 1,007,104, WORKLOADS.md's
    /// "about 1.007 MFLOP per sample". Bias, activation, loss and the SGD update are not counted.
    /// </summary>
    public const double TrainingFlopsPerSample = (2.0 * ForwardFlopsPerSample) + (2.0 * ((256 * 128) + (128 * 10)));

    /// <summary>[batch, features] uniform floats in [0, 1) from a fixed seed (pixel-like inputs).</summary>
    public static float[] Inputs(int batch, int features, int seed = Seed)
    {
        Random random = new(seed);
        float[] values = new float[batch * features];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    /// <summary>[batch, classes] one-hot rows, the class of each row drawn from a fixed seed.</summary>
    public static float[] OneHotTargets(int batch, int classes, int seed = Seed + 1)
    {
        Random random = new(seed);
        float[] values = new float[batch * classes];
        for (int r = 0; r < batch; r++)
        {
            values[(r * classes) + random.Next(classes)] = 1f;
        }

        return values;
    }
}
