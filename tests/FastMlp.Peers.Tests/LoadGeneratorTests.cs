using System.Collections.Concurrent;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Tests;

/// <summary>
/// <see cref="LoadGenerator"/>'s bounds and figures, on a fake clock that moves only when a fake request says so:
/// it stops at the request count or at the duration, whichever comes first, sends every number once, counts wrong
/// answers, and its percentiles and requests/s are those of the requests that ran (not of unused slots).
/// </summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task It_stops_at_the_request_count_and_sends_each_number_once()
    {
        var clock = new FakeClock();
        var sent = new ConcurrentBag<int>();

        LoadResult result = await LoadGenerator.Run(8, 100, TimeSpan.FromHours(1), n =>
        {
            sent.Add(n);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            return Task.FromResult(true);
        }, clock);

        Assert.Equal(100, result.Requests);
        Assert.Equal(Enumerable.Range(0, 100), sent.Order());
        Assert.Equal(0, result.Failed);
    }

    [Fact]
    public async Task It_stops_at_the_duration_when_that_comes_first()
    {
        var clock = new FakeClock();
        int sent = 0;

        // One client, 1 ms per request: requests start at 0, 1, ..., 49 ms; at 50 ms the duration has passed.
        LoadResult result = await LoadGenerator.Run(1, 1_000_000, TimeSpan.FromMilliseconds(50), _ =>
        {
            sent++;
            clock.Advance(TimeSpan.FromMilliseconds(1));
            return Task.FromResult(true);
        }, clock);

        Assert.Equal(50, sent);
        Assert.Equal(50, result.Requests);
        Assert.Equal(0.05, result.Seconds, 12);
        Assert.Equal(1000, result.RequestsPerSecond, 9);
    }

    [Fact]
    public async Task Percentiles_are_the_nearest_rank_of_the_requests_that_ran()
    {
        var clock = new FakeClock();

        // Request n takes n + 1 µs; the duration stops it at 100 requests of a budget of 1,000 (900 slots unused).
        LoadResult result = await LoadGenerator.Run(1, 1_000, TimeSpan.FromMicroseconds(5050), n =>
        {
            clock.Advance(TimeSpan.FromMicroseconds(n + 1));
            return Task.FromResult(true);
        }, clock);

        Assert.Equal(100, result.Requests);
        Assert.Equal(50, result.P50Us, 9);
        Assert.Equal(99, result.P99Us, 9);
    }

    [Fact]
    public async Task Wrong_answers_are_counted()
    {
        var clock = new FakeClock();

        LoadResult result = await LoadGenerator.Run(4, 60, TimeSpan.FromHours(1), n => Task.FromResult(n % 3 != 0), clock);

        Assert.Equal(60, result.Requests);
        Assert.Equal(20, result.Failed);
    }

    [Fact]
    public void Rounds_combine_into_one_set_of_requests_and_the_sum_of_their_wall_times()
    {
        LoadResult a = new([1_000, 3_000], 4_000, 0, 1_000_000), b = new([2_000], 2_000, 1, 1_000_000);

        LoadResult both = LoadResult.Combine([a, b]);

        Assert.Equal(3, both.Requests);
        Assert.Equal(1, both.Failed);
        Assert.Equal(500, both.RequestsPerSecond, 9);
        Assert.Equal(2_000, both.P50Us, 9);
        Assert.Equal(3_000, both.P99Us, 9);
    }

    /// <summary>A clock that stands still until told to move; safe to move from several threads.</summary>
    private sealed class FakeClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks * (TimestampFrequency / TimeSpan.TicksPerSecond));
    }
}
