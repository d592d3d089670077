// One line per epoch of a data-parallel job: "epoch 2/5  loss 0.2113  test 94.15%  10,310 samples/s  1.92 s".
// Written on the coordinator's thread as each report arrives (not through Progress<T>, which would post it to
// the thread pool and could print it after the lines that follow the job). The coordinator measures no training
// accuracy (its EpochMetrics has only the loss), so the line shows the loss and the test accuracy.
using System.Globalization;

namespace FastMlp.Cluster;

internal sealed class EpochLine(TextWriter output) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        string test = value.Validation is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.Accuracy * 100:F2}%") : "n/a";
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {value.Epoch}/{value.Epochs}  loss {value.Training.Loss:F4}  test {test}  {value.SamplesPerSecond,7:N0} samples/s  {value.Elapsed.TotalSeconds,6:F2} s"));
    }
}
