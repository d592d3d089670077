// WorkerPoolPrepareTests: IParallelBody.Prepare runs once per job, on the calling thread, before any
// share, with the number of workers the job really gets; a Prepare that throws (a buffer that cannot
// grow) throws from Run before any worker started, and leaves the pool usable, where a share that
// threw before a barrier would have left the others waiting at it. Serial, so the pool is free and a
// job of two workers really gets two (none on a one-core machine, where every job runs inline).
using System.Collections.Concurrent;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Parallel;

[Collection(SerialTestGroup.Name)]
public sealed class WorkerPoolPrepareTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Prepare_runs_once_on_the_caller_before_any_share(int workers)
    {
        var log = new ConcurrentQueue<string>();
        WorkerPool.Run(new Recording(log, Environment.CurrentManagedThreadId, fail: false), workers);
        int expected = Math.Min(workers, WorkerPool.MaxWorkers);
        string[] events = [.. log];
        Assert.Equal($"prepare {expected} on caller", events[0]);
        Assert.Equal(expected, events.Length - 1);
        Assert.All(events.Skip(1), e => Assert.StartsWith($"invoke of {expected}", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_Prepare_that_throws_runs_no_share_and_leaves_the_pool_usable()
    {
        var log = new ConcurrentQueue<string>();
        var e = Assert.Throws<InsufficientMemoryException>(() => WorkerPool.Run(new Recording(log, Environment.CurrentManagedThreadId, fail: true), 2));
        Assert.Equal("prepare failed", e.Message);
        Assert.Equal(["prepare failed"], log);

        long splitBefore = WorkerPool.SplitJobs;
        log.Clear();
        WorkerPool.Run(new Recording(log, Environment.CurrentManagedThreadId, fail: false), 2);
        Assert.Equal(1 + Math.Min(2, WorkerPool.MaxWorkers), log.Count);
        Assert.Equal(WorkerPool.MaxWorkers > 1 ? 1 : 0, WorkerPool.SplitJobs - splitBefore);
    }

    private readonly struct Recording(ConcurrentQueue<string> log, int caller, bool fail) : IParallelBody
    {
        public void Prepare(int workerCount)
        {
            if (fail)
            {
                log.Enqueue("prepare failed");
                throw new InsufficientMemoryException("prepare failed");
            }

            log.Enqueue($"prepare {workerCount} on {(Environment.CurrentManagedThreadId == caller ? "caller" : "another thread")}");
        }

        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            barrier?.SignalAndWait();
            log.Enqueue($"invoke of {workerCount}: worker {worker}");
        }
    }
}
