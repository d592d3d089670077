namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// Marks a single-threaded baseline: it runs only where the class's <c>Threads</c> parameter is 1 and
/// its <c>N</c> parameter is at most <see cref="MaxN"/> (the naive loop would take minutes at N = 2048).
/// <see cref="BenchmarkConfig"/> drops the other cases, so the baseline shares the class, the run and the
/// ratio column with the FastMlp benchmark it is compared with.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SingleThreadBaselineAttribute : Attribute
{
    public int MaxN { get; init; } = int.MaxValue;
}
