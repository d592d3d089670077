// The all-reduce grain, called directly: the sum does not depend on arrival order, every rank gets the same
// bits, a missing rank is a timeout, a mismatched contribution is refused, an abort reaches every rank.
using System.Runtime.InteropServices;

using FastMlp.Orleans;

using Orleans.Concurrency;

namespace FastMlp.Orleans.Tests;

[Collection(nameof(SharedCluster))]
public sealed class GradientReducerTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private IGradientReducer Reducer() => fixture.Cluster.Client.GetGrain<IGradientReducer>(GrainKeys.Reducer(Guid.NewGuid().ToString("N"), 0, 0));

    [Fact]
    public async Task The_mean_has_the_same_bits_whatever_order_the_ranks_arrive_in_and_is_the_rank_ordered_weighted_sum()
    {
        var random = new Random(3);
        int[] samples = [7, 0, 13, 5];
        float[][] gradients = [.. samples.Select(n => n == 0 ? [] : Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() - 0.5) * 1e3f).ToArray())];
        float[] losses = [0.5f, 0, 2.25f, 1f];

        var expected = new float[1000];
        for (int r = 0; r < 4; r++)
        {
            GradientSum.Add(gradients[r], samples[r], expected);
        }

        GradientSum.Finish(expected, samples.Sum());
        foreach (int[] order in new[] { new[] { 0, 1, 2, 3 }, [3, 2, 1, 0], [2, 0, 3, 1] })
        {
            IGradientReducer reducer = Reducer();
            var calls = new Task<ReduceResult>[4];
            foreach (int r in order)
            {
                calls[r] = reducer.Reduce(0, r, 4, samples[r], losses[r], samples[r] == 0 ? null : new Immutable<byte[]>(MemoryMarshal.AsBytes(gradients[r].AsSpan()).ToArray()), Wait);
                await Task.Delay(5);   // arrive in this order
            }

            ReduceResult[] results = await Task.WhenAll(calls);
            foreach (ReduceResult result in results)
            {
                Assert.Null(result.Aborted);
                Assert.Equal(25, result.Samples);
                Assert.Equal(((0.5 * 7) + (2.25 * 13) + 5) / 25, result.Loss, 6);
                Assert.Equal(MemoryMarshal.AsBytes(expected.AsSpan()).ToArray(), result.Mean.Value);
            }
        }

        // The weighted sum is not the plain mean of the ranks' means (it would be with equal batches).
        Assert.NotEqual(expected[0], (gradients[0][0] + gradients[2][0] + gradients[3][0]) / 3);
    }

    [Fact]
    public async Task A_rank_that_never_comes_is_a_timeout_for_the_others()
    {
        IGradientReducer reducer = Reducer();
        Task<ReduceResult> first = reducer.Reduce(0, 0, 2, 1, 0, new Immutable<byte[]>(new byte[8]), TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<TimeoutException>(() => first.WaitAsync(Wait));
    }

    [Fact]
    public async Task An_abort_reaches_every_waiting_rank_and_those_that_come_later()
    {
        IGradientReducer reducer = Reducer();
        Task<ReduceResult> waiting = reducer.Reduce(4, 0, 3, 1, 0, new Immutable<byte[]>(new byte[8]), Wait);
        await reducer.Abort(4, 1, "diverged");
        ReduceResult late = await reducer.Reduce(4, 2, 3, 1, 0, new Immutable<byte[]>(new byte[8]), Wait);
        Assert.Equal("rank 1: diverged", (await waiting.WaitAsync(Wait)).Aborted);
        Assert.Equal("rank 1: diverged", late.Aborted);
    }

    [Fact]
    public async Task Mismatched_contributions_are_refused()
    {
        // Orleans does not order calls from one caller, so each pair is sent at once: whichever arrives second is refused,
        // and the first waits for a round that cannot complete.
        TimeSpan brief = TimeSpan.FromMilliseconds(500);
        IGradientReducer lengths = Reducer();
        var length = await OneRefused<ArgumentException>(
            lengths.Reduce(0, 0, 3, 1, 0, new Immutable<byte[]>(new byte[40]), brief), lengths.Reduce(0, 1, 3, 1, 0, new Immutable<byte[]>(new byte[44]), brief));
        Assert.Matches("sent 1[01] gradients; the ranks before it sent 1[01]. Every replica must have the same architecture", length.Message);

        IGradientReducer counts = Reducer();
        var workers = await OneRefused<ArgumentException>(
            counts.Reduce(0, 0, 3, 1, 0, new Immutable<byte[]>(new byte[40]), brief), counts.Reduce(0, 1, 4, 1, 0, new Immutable<byte[]>(new byte[40]), brief));
        Assert.Matches("says the step has [34] workers; the first rank to contribute said [34]", workers.Message);

        IGradientReducer twice = Reducer();
        var again = await OneRefused<InvalidOperationException>(
            twice.Reduce(0, 0, 3, 1, 0, new Immutable<byte[]>(new byte[40]), brief), twice.Reduce(0, 0, 3, 1, 0, new Immutable<byte[]>(new byte[40]), brief));
        Assert.Contains("Rank 0 contributed to this step twice", again.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Reducer().Reduce(0, 3, 3, 1, 0, new Immutable<byte[]>(new byte[40]), Wait));
        var none = await Assert.ThrowsAsync<ArgumentException>(() => Reducer().Reduce(0, 2, 3, 1, 0, null, Wait));
        Assert.Contains("has 1 samples but sent no gradients", none.Message, StringComparison.Ordinal);
    }

    /// <summary>Exactly one of the two calls throws <typeparamref name="T"/>; the other times out.</summary>
    private static async Task<T> OneRefused<T>(Task<ReduceResult> a, Task<ReduceResult> b)
        where T : Exception
    {
        Exception?[] thrown = [await Record.ExceptionAsync(() => a.WaitAsync(Wait)), await Record.ExceptionAsync(() => b.WaitAsync(Wait))];
        Assert.Single(thrown, e => e is TimeoutException);
        return Assert.IsType<T>(Assert.Single(thrown, e => e is not TimeoutException));
    }
}
