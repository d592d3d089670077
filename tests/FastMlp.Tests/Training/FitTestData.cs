// FitTestData: small seeded datasets and helpers shared by the Fit* tests.
//   Blobs: 3 classes in 4 dimensions, class c centred at a fixed point, uniform noise ±0.6 per feature,
//          labels round-robin (0, 1, 2, 0, ...); separable enough for a 4-8-3 network to learn in a few
//          epochs, noisy enough that every sample gives a different gradient.
//   Regression: 4 features in U(−1, 1), 2 targets that are fixed linear functions of them.
//   Recorder: a synchronous IProgress (Progress<T> posts to the thread pool, so its callbacks could
//          run after Fit returns); it snapshots the parameters at every report.
namespace FastMlp.Tests.Training;

internal static class FitTestData
{
    public const int Features = 4;
    public const int Classes = 3;

    private static readonly float[][] Centres =
    [
        [1, 0, 0, 1],
        [0, 1, 1, 0],
        [1, 1, 0, 0],
    ];

    public static Dataset Blobs(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * Features];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % Classes;
            for (int j = 0; j < Features; j++)
            {
                features[(i * Features) + j] = Centres[labels[i]][j] + (float)((random.NextDouble() - 0.5) * 1.2);
            }
        }

        return Dataset.ForClassification(features, Features, labels, Classes);
    }

    public static Dataset Regression(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * Features];
        float[] targets = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            Span<float> x = features.AsSpan(i * Features, Features);
            for (int j = 0; j < Features; j++)
            {
                x[j] = (float)((random.NextDouble() * 2) - 1);
            }

            targets[2 * i] = (0.5f * x[0]) - (0.25f * x[1]) + 0.1f;
            targets[(2 * i) + 1] = (0.3f * x[2]) + (0.2f * x[3]);
        }

        return new Dataset(features, Features, targets, 2);
    }

    /// <summary>4-8-3, tanh hidden, softmax output: the network the blob tests train.</summary>
    public static Network Classifier(int seed = 7) => Network.Create([Features, 8, Classes], Activation.Tanh, Activation.Softmax, seed);

    /// <summary>4-8-2, tanh hidden, identity output: the network the regression tests train.</summary>
    public static Network Regressor(int seed = 7) => Network.Create([Features, 8, 2], Activation.Tanh, Activation.Identity, seed);

    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Records every report synchronously on the fitting thread, with the parameters at that moment.</summary>
internal sealed class FitRecorder(Network network, Action<EpochReport>? then = null) : IProgress<EpochReport>
{
    public List<EpochReport> Reports { get; } = [];

    public List<float[]> Parameters { get; } = [];

    public void Report(EpochReport value)
    {
        Reports.Add(value);
        Parameters.Add(network.Parameters.ToArray());
        then?.Invoke(value);
    }
}
