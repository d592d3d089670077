using System.Globalization;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Report;

/// <summary>
/// How a workload's figure is read from a case's median time: W1 GFLOP/s and W3 samples/s (higher is better),
/// W2 µs per step and W4 ns per step (lower is better). <see cref="Advantage"/> is always "FastMlp / peer" in the
/// better-is-higher sense: above 1, FastMlp is faster; 0.5 means the peer is twice as fast.
/// </summary>
internal sealed record Metric(string Unit, bool HigherIsBetter, Func<CaseResult, double> Value, string Format)
{
    public static Metric For(string workload) => workload switch
    {
        "W1" => new("GFLOP/s", true, c => c.Work / c.MedianNs!.Value, "F1"),
        "W2" => new("µs per step", false, c => c.MedianNs!.Value / 1e3, "N1"),
        "W3" => new("samples/s", true, c => c.Work / c.MedianNs!.Value * 1e9, "N0"),
        "W4" => new("ns per step", false, c => c.MedianNs!.Value, "N1"),
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "No metric for it."),
    };

    public string Show(double value) => value.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>FastMlp's figure against a peer's, as "higher is better for FastMlp".</summary>
    public double Advantage(double fastMlp, double peer) => HigherIsBetter ? fastMlp / peer : peer / fastMlp;

    /// <summary>The better of two figures.</summary>
    public bool Beats(double a, double b) => HigherIsBetter ? a > b : a < b;
}
