using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The check every peer passes before it is timed: it must compute what FastMlp computes on the same data and
/// weights. A benchmark's per-method [GlobalSetup] calls <see cref="Require"/>; a mismatch throws, which stops that
/// one case (BenchmarkDotNet reports it failed), and the message is kept so the report shows it in that row.
/// </summary>
internal static class Agreement
{
    private static readonly ConcurrentDictionary<string, string> s_mismatches = new(StringComparer.Ordinal);

    /// <summary>Case key (<see cref="Key(BenchmarkCase)"/>) → the mismatch message, for every case that failed its check.</summary>
    public static IReadOnlyDictionary<string, string> Mismatches => s_mismatches;

    /// <summary>
    /// Throws <see cref="PeerMismatchException"/> unless max |actual − expected| ≤ tolerance · max(1, max |expected|):
    /// an absolute tolerance for values of order one, relative for large ones. Non-finite values always mismatch.
    /// </summary>
    /// <param name="benchmark">The benchmark instance, whose [Params] properties name the case.</param>
    /// <param name="system">The method being checked (a <see cref="Systems"/> name).</param>
    /// <param name="what">What was compared, for the message ("C", "probabilities", "weights after one step").</param>
    public static void Require(object benchmark, string system, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        string? problem = Compare(expected, actual, tolerance);
        if (problem is null)
        {
            return;
        }

        string message = $"{Systems.Display(system)} disagrees with FastMlp on {what}: {problem}";
        s_mismatches[Key(benchmark, system)] = message;
        throw new PeerMismatchException(message);
    }

    /// <summary>Null when the spans agree within the tolerance, otherwise a description of the worst element.</summary>
    public static string? Compare(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        if (expected.Length != actual.Length)
        {
            return $"{actual.Length} values where {expected.Length} were expected";
        }

        double scale = 1;
        foreach (float e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }

        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);
            if (!double.IsFinite(difference))
            {
                return string.Create(CultureInfo.InvariantCulture, $"element {i} is {actual[i]} where FastMlp has {expected[i]}");
            }

            if (difference > worst)
            {
                (worst, worstAt) = (difference, i);
            }
        }

        return worst <= tolerance * scale
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"max |Δ| = {worst:G3} at element {worstAt} ({actual[worstAt]} vs {expected[worstAt]}), above the tolerance {tolerance:G3} × {scale:G3}");
    }

    /// <summary>"Type/Method/name=value,..." from a running benchmark's [Params] properties (Threads among them).</summary>
    public static string Key(object benchmark, string method)
    {
        IEnumerable<(string, object?)> parameters = benchmark.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(ParamsAttribute)) || p.IsDefined(typeof(ParamsSourceAttribute)))
            .Select(p => (p.Name, p.GetValue(benchmark)));
        return Key(benchmark.GetType(), method, parameters);
    }

    /// <summary>The same key from BenchmarkDotNet's side.</summary>
    public static string Key(BenchmarkCase benchmarkCase) =>
        Key(benchmarkCase.Descriptor.Type, benchmarkCase.Descriptor.WorkloadMethod.Name,
            benchmarkCase.Parameters.Items.Select(p => (p.Name, (object?)p.Value)));

    private static string Key(Type type, string method, IEnumerable<(string Name, object? Value)> parameters) =>
        $"{type.Name}/{method}/" + string.Join(',', parameters
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}")));
}

/// <summary>A peer computed something other than FastMlp on the same inputs; the case is not timed.</summary>
internal sealed class PeerMismatchException(string message) : Exception(message);
