// One line per epoch, from Trainer.Fit's IProgress reports (they arrive on the fitting thread, between
// epochs). In a terminal the line is rewritten in place with a carriage return, padded over the previous
// one; when the output is redirected (a file, a pipe, CI logs) every epoch gets a plain line of its own,
// since a '\r' there would only leave clutter.
using System.Globalization;

namespace FastMlp.Demo;

internal sealed class ProgressLine(TextWriter output, bool inPlace) : IProgress<EpochReport>
{
    private int _width;
    private bool _open;

    public void Report(EpochReport value)
    {
        string line = Format(value);
        if (inPlace)
        {
            output.Write('\r' + line.PadRight(_width));
            output.Flush();
            _width = line.Length;
            _open = true;
        }
        else
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Ends an in-place line, so what follows starts on a line of its own.</summary>
    public void Finish()
    {
        if (_open)
        {
            output.WriteLine();
            _open = false;
        }
    }

    /// <summary>
    /// "epoch  3/10  loss 0.2113  train 93.81%  test 94.15%  52,310 samples/s  0.46 s"; a multi-label fit (--loss bce)
    /// adds the label and exact-match accuracies after each accuracy: "train 93.81% (labels 98.90%, exact 91.20%)".
    /// </summary>
    public static string Format(EpochReport r)
    {
        int digits = r.Epochs.ToString(CultureInfo.InvariantCulture).Length;
        string test = r.Validation is { } v ? Figures(v) : "n/a";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"epoch {r.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(digits)}/{r.Epochs}  loss {r.Training.Loss:F4}  train {Figures(r.Training)}  test {test}  {r.SamplesPerSecond,9:N0} samples/s  {r.Elapsed.TotalSeconds,6:F2} s");
    }

    /// <summary>"93.81%", or "93.81% (labels 98.90%, exact 91.20%)" when the metrics are multi-label.</summary>
    public static string Figures(EpochMetrics m) =>
        m.LabelAccuracies is null ? Percent(m.Accuracy) : $"{Percent(m.Accuracy)} (labels {Percent(m.LabelAccuracy).TrimStart()}, exact {Percent(m.ExactMatchAccuracy).TrimStart()})";

    public static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100,6:F2}%");
}
