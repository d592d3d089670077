using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// A bounded closed-loop load: <c>clients</c> concurrent loops, each sending its next request as soon as its last
/// one is answered, until <c>maxRequests</c> requests have been sent or <c>maxDuration</c> has passed, whichever
/// comes first (a request that started before the deadline is waited for and counted). Each request is timed on its
/// own, from just before <c>send</c> to its answer, on the given clock (<see cref="TimeProvider.System"/> in the suite,
/// a fake one in the tests). Knows nothing of HTTP: <c>send(n)</c> makes request number n (0, 1, ...) and says whether
/// its answer was right.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> Run(int clients, int maxRequests, TimeSpan maxDuration, Func<int, Task<bool>> send, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequests, 1);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(clock);
        long[] ticks = new long[maxRequests];
        int claimed = 0, failed = 0;
        long start = clock.GetTimestamp();

        async Task Client()
        {
            // A number is claimed only inside both bounds; every claimed number below maxRequests is sent and timed.
            while (clock.GetElapsedTime(start) < maxDuration)
            {
                int n = Interlocked.Increment(ref claimed) - 1;
                if (n >= maxRequests)
                {
                    return;
                }

                long before = clock.GetTimestamp();
                bool right = await send(n).ConfigureAwait(false);
                ticks[n] = clock.GetTimestamp() - before;
                if (!right)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client))).ConfigureAwait(false);
        long wall = clock.GetTimestamp() - start;
        return new LoadResult(ticks[..Math.Min(claimed, maxRequests)], wall, failed, clock.TimestampFrequency);
    }
}

/// <summary>What one or more bounded loads measured: each request's time, in call-claim order, and the wall time.</summary>
/// <param name="Ticks">Per request, the clock's ticks from send to answer.</param>
/// <param name="WallTicks">From the first claim to the last answer (summed over the rounds of <see cref="Combine"/>).</param>
/// <param name="Failed">Requests whose answer was wrong.</param>
/// <param name="Frequency">The clock's ticks per second.</param>
internal sealed record LoadResult(long[] Ticks, long WallTicks, int Failed, long Frequency)
{
    public int Requests => Ticks.Length;

    public double Seconds => (double)WallTicks / Frequency;

    /// <summary>Answered requests per wall second.</summary>
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>Nearest-rank median (<see cref="Percentiles"/>), µs; NaN when no request ran.</summary>
    public double P50Us => Percentile(0.5);

    /// <summary>Nearest-rank 99th percentile, µs; NaN when no request ran.</summary>
    public double P99Us => Percentile(0.99);

    /// <summary>The rounds of one server's cell as one result: every request's time, the rounds' wall times added.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> rounds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rounds.Count);
        long frequency = rounds[0].Frequency;
        return new LoadResult([.. rounds.SelectMany(r => r.Ticks)], rounds.Sum(r => r.WallTicks), rounds.Sum(r => r.Failed), frequency);
    }

    private double Percentile(double p) =>
        Ticks.Length == 0 ? double.NaN : Percentiles.NearestRank(Percentiles.Sorted(Ticks), p) * 1e6 / Frequency;
}
