namespace FastMlp.Tests.Infrastructure;

/// <summary>An IProgress that reports on the caller's thread, at once (Progress{T} posts to the thread pool, later).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
