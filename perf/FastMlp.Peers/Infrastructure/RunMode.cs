namespace FastMlp.Peers.Infrastructure;

/// <summary>How thoroughly a run measures (README "Peers").</summary>
internal enum RunMode
{
    /// <summary>Every case, ≥ 9 timed iterations after warm-up: what perf/results holds.</summary>
    Full,

    /// <summary>A subset of the sizes with short iterations, under 5 minutes: a first look, not a report to commit.</summary>
    Quick,

    /// <summary>Every case once, cold (CI): proves each case builds, loads and agrees; measures nothing.</summary>
    Dry,
}
