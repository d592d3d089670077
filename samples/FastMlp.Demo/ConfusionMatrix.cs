// Counts of (true class, predicted class) over a dataset, from Network.PredictClasses in batches of
// 256 rows, and their text form: one row per true class, one column per predicted class, the
// per-class recall (the diagonal over the row's total) at the end of each row.
using System.Globalization;
using System.Text;

namespace FastMlp.Demo;

internal sealed class ConfusionMatrix
{
    private const int Batch = 256;

    private readonly long[,] _counts;

    private ConfusionMatrix(int classes)
    {
        _counts = new long[classes, classes];
        Classes = classes;
    }

    public int Classes { get; }

    public long Total { get; private set; }

    public long Correct { get; private set; }

    public double Accuracy => (double)Correct / Total;

    public static ConfusionMatrix Of(Network network, Dataset data, int threads)
    {
        var matrix = new ConfusionMatrix(data.TargetCount);
        using Workspace workspace = network.CreateWorkspace(Batch, threads);
        int[] predicted = new int[Batch];
        for (int first = 0; first < data.Count; first += Batch)
        {
            int rows = Math.Min(Batch, data.Count - first);
            network.PredictClasses(data.Features.Slice(first * data.FeatureCount, rows * data.FeatureCount), predicted, workspace);
            for (int r = 0; r < rows; r++)
            {
                matrix.Add(data.Labels[first + r], predicted[r]);
            }
        }

        return matrix;
    }

    public override string ToString()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int width = Math.Max(5, Total.ToString("N0", c).Length + 1);
        var text = new StringBuilder();
        text.Append(c, $"{"true \\ predicted",-16}");
        for (int p = 0; p < Classes; p++)
        {
            text.Append(p.ToString(c).PadLeft(width));
        }

        text.AppendLine("   recall");
        for (int t = 0; t < Classes; t++)
        {
            text.Append(c, $"{t,-16}");
            long row = 0;
            for (int p = 0; p < Classes; p++)
            {
                text.Append(_counts[t, p].ToString("N0", c).PadLeft(width));
                row += _counts[t, p];
            }

            text.AppendLine(row == 0 ? "      n/a" : "  " + ProgressLine.Percent((double)_counts[t, t] / row));
        }

        return text.ToString();
    }

    private void Add(int label, int predicted)
    {
        _counts[label, predicted]++;
        Total++;
        Correct += label == predicted ? 1 : 0;
    }
}
