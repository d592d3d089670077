namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// What every benchmark class of this suite declares, so <see cref="ResultCollector"/> can turn BenchmarkDotNet's
/// cases into report rows without knowing the classes. Each class also carries [PeerGroup] and names each benchmark
/// method after its system (<see cref="Systems"/>); a method whose peer did not load is left out and reported.
/// </summary>
internal interface IPeerBenchmark
{
    /// <summary>
    /// What one operation of a case does, in its workload's unit: FLOPs (W1), samples (W2, W3), steps (W4).
    /// <paramref name="parameter"/> returns a [Params] value by property name.
    /// </summary>
    static abstract double WorkPerOperation(Func<string, object?> parameter);

    /// <summary>Whether a case belongs to the quick run's subset of sizes (README: under 5 minutes in all).</summary>
    static abstract bool InQuickRun(Func<string, object?> parameter);
}

/// <summary>The workload (W1..W4) a benchmark class measures and the title of its table in the report.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class PeerGroupAttribute(string workload, string title) : Attribute
{
    public string Workload { get; } = workload;

    public string Title { get; } = title;
}
