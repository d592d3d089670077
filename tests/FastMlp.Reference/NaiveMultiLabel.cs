// NaiveMultiLabel: the multi-label fit metrics written from their definitions as a plain double loop over
// samples and labels, sharing no code with the library. Threshold 0.5, as Keras binary_accuracy for the outputs:
//   label j of sample i is predicted positive when y_ij > 0.5 and is positive when t_ij ≥ 0.5; it is right when
//   the two agree and y_ij is a number (a NaN output is wrong whatever the target);
//   LabelAccuracies[j] = #(samples whose label j is right) / N;   LabelAccuracy = #(right labels) / (N · n);
//   ExactMatchAccuracy = #(samples whose every label is right) / N   (scikit-learn's subset accuracy).
namespace FastMlp.Reference;

/// <summary>The multi-label figures of N samples of n labels.</summary>
public sealed record NaiveMultiLabelMetrics(double LabelAccuracy, double ExactMatchAccuracy, double[] LabelAccuracies);

/// <summary>Multi-label accuracies by counting.</summary>
public static class NaiveMultiLabel
{
    /// <summary>outputs and targets: [N, n] row-major.</summary>
    public static NaiveMultiLabelMetrics Of(IReadOnlyList<float> outputs, IReadOnlyList<float> targets, int n)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        int count = outputs.Count / n;
        int[] rightPerLabel = new int[n];
        int rightLabels = 0, exact = 0;
        for (int i = 0; i < count; i++)
        {
            int rightInRow = 0;
            for (int j = 0; j < n; j++)
            {
                double y = outputs[(i * n) + j], t = targets[(i * n) + j];
                bool predicted = y > 0.5, actual = t >= 0.5;
                if (!double.IsNaN(y) && predicted == actual)
                {
                    rightPerLabel[j]++;
                    rightLabels++;
                    rightInRow++;
                }
            }

            if (rightInRow == n)
            {
                exact++;
            }
        }

        double[] perLabel = new double[n];
        for (int j = 0; j < n; j++)
        {
            perLabel[j] = (double)rightPerLabel[j] / count;
        }

        return new NaiveMultiLabelMetrics((double)rightLabels / ((double)count * n), (double)exact / count, perLabel);
    }
}
