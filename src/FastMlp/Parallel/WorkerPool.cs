// A fork-join pool of dedicated threads (one per core beyond the caller's) that runs a struct body
// on up to ProcessorCount workers, the calling thread being worker 0. Unlike Parallel.For it
// allocates nothing per dispatch: the body is copied into a box cached per body type and thread.
// One job at a time: a caller that finds the pool busy runs its whole job alone, so concurrent
// callers never wait on each other and never deadlock. Jobs come in bursts (the GEMMs of a training
// step, microseconds apart), so an idle worker spins for a while before it sleeps on its event.
// Two process-wide diagnostics let tests prove what they claim: SplitJobs (one interlocked increment
// per dispatch) shows that work really reached the pool, and WorkerAllocatedBytes (a worker adds its
// allocation count after each share, an interlocked add only when it allocated) sees the pool threads
// that GC.GetAllocatedBytesForCurrentThread on the caller cannot.
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace FastMlp;

[SuppressMessage("Design", "CA1001", Justification = "The pool lives as long as the process; its events are never released.")]
internal sealed class WorkerPool
{
    /// <summary>How long an idle worker spins for the next job before sleeping: 100 µs.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

    // Per worker: Idle (spinning or running), Sleeping (committed to waiting on its event) or Signalled.
    // The dispatcher sets its event only when it takes a worker out of Sleeping, so no Set is ever left
    // pending for a worker that found its job while spinning.
    private const int Idle = 0, Sleeping = 1, Signalled = 2;

    private readonly ManualResetEventSlim[] _start;
    private readonly int[] _states;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly SpinBarrier _barrier = new();
    private readonly Lock _gate = new();
    private IJob? _job;
    private int _workerCount;
    private int _pending;
    private ExceptionDispatchInfo? _error;

    private static long s_splitJobs;
    private static long s_workerAllocatedBytes;

    private WorkerPool(int threads)
    {
        _start = new ManualResetEventSlim[threads];
        _states = new int[threads];

        // A ManualResetEventSlim builds its lock object (24 bytes) the first time a wait blocks, which with
        // spinning waiters can be any later call: a short timed wait on each event now builds it up front,
        // so a warm call never allocates (PredictorTests saw those 24 bytes in 1 of 10 calls at 2 threads).
        _done.Wait(1);
        for (int t = 0; t < threads; t++)
        {
            _start[t] = new ManualResetEventSlim(false);
            _start[t].Wait(1);
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"FastMlp worker {t + 1}" };
            thread.Start(t);
        }
    }

    /// <summary>The process-wide pool, with one thread per core beyond the caller's; built on first use, once.</summary>
    public static WorkerPool Shared => SharedHolder.Instance;

    /// <summary>The most workers a job can get: the pool threads plus the caller.</summary>
    public static int MaxWorkers => Environment.ProcessorCount;

    /// <summary>The most workers a caller's <paramref name="maxDegreeOfParallelism"/> allows: −1 for all of <see cref="MaxWorkers"/>.</summary>
    public static int Cap(int maxDegreeOfParallelism) =>
        maxDegreeOfParallelism == -1 ? MaxWorkers : Math.Min(maxDegreeOfParallelism, MaxWorkers);

    /// <summary>Jobs handed to the pool so far, each run by more than one worker.</summary>
    public static long SplitJobs => Interlocked.Read(ref s_splitJobs);

    /// <summary>
    /// Bytes the pool's threads have allocated so far, counted up to the end of each share they ran:
    /// when <see cref="Run"/> returns, what its job allocated on them is included.
    /// </summary>
    public static long WorkerAllocatedBytes => Interlocked.Read(ref s_workerAllocatedBytes);

    /// <summary>
    /// Runs <paramref name="body"/> on min(<paramref name="workers"/>, <see cref="MaxWorkers"/>) workers and
    /// returns when all are done. Runs inline (worker 0 of 1) when one worker is asked for or the pool is busy.
    /// </summary>
    public static void Run<TBody>(in TBody body, int workers)
        where TBody : struct, IParallelBody
    {
        workers = Math.Min(workers, MaxWorkers);
        if (workers <= 1)
        {
            body.Prepare(1);
            body.Invoke(0, 1, null);
            return;
        }

        Shared.Dispatch(body, workers);
    }

    private void Dispatch<TBody>(in TBody body, int workers)
        where TBody : struct, IParallelBody
    {
        if (!_gate.TryEnter())
        {
            body.Prepare(1);
            body.Invoke(0, 1, null);
            return;
        }

        var job = Job<TBody>.Rent(body);
        try
        {
            // With the pool held and no worker signalled yet: a failure here leaves every worker idle.
            body.Prepare(workers);
            Interlocked.Increment(ref s_splitJobs);
            _job = job;
            _workerCount = workers;
            _error = null;
            _barrier.Reset(workers);
            _done.Reset();
            Volatile.Write(ref _pending, workers - 1);
            for (int w = 1; w < workers; w++)
            {
                if (Interlocked.Exchange(ref _states[w - 1], Signalled) == Sleeping)
                {
                    _start[w - 1].Set();
                }
            }

            // The body does not throw for validated arguments; if it does, the others still finish
            // unless they wait on a barrier this worker never reaches, which the bodies avoid by
            // validating before any barrier and growing their buffers in Prepare.
            Execute(job, 0);
            WaitForWorkers();
            _error?.Throw();
        }
        finally
        {
            _job = null;
            job.Return();
            _gate.Exit();
        }
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        ManualResetEventSlim start = _start[index];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        while (true)
        {
            if (!SpinForSignal(index) && Interlocked.CompareExchange(ref _states[index], Sleeping, Idle) == Idle)
            {
                // Committed to sleeping: the dispatcher saw Sleeping and sets the event exactly once.
                start.Wait();
                start.Reset();
            }

            Volatile.Write(ref _states[index], Idle);
            Execute(_job!, index + 1);

            // Everything this thread allocated since its last share (the wait included), counted before
            // the job is done so the caller sees it.
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (now != allocated)
            {
                Interlocked.Add(ref s_workerAllocatedBytes, now - allocated);
                allocated = now;
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <summary>
    /// Waits for the other workers' shares. The caller has nothing else to do, so it spins for up to
    /// <see cref="SpinTicks"/> before blocking: shares of a few microseconds (a batch-32 layer split in
    /// two) finish within the spin, where blocking on the event first costs a kernel wake-up of tens of
    /// microseconds. Once _pending reaches 0 the last worker is about to set _done; waiting on the event
    /// anyway keeps the next dispatch's Reset from racing that Set.
    /// </summary>
    private void WaitForWorkers()
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref _pending) != 0 && Stopwatch.GetTimestamp() <= deadline)
        {
            Thread.SpinWait(16);
        }

        _done.Wait();
    }

    /// <summary>Spins until worker <paramref name="index"/> is signalled or <see cref="SpinTicks"/> pass; returns whether it was.</summary>
    private bool SpinForSignal(int index)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref _states[index]) != Signalled)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.SpinWait(16);
        }

        return true;
    }

    private void Execute(IJob job, int worker)
    {
        try
        {
            job.Invoke(worker, _workerCount, _barrier);
        }
        catch (Exception e)
        {
            _error ??= ExceptionDispatchInfo.Capture(e);
        }
    }

    /// <summary>
    /// Holds the shared pool in a type initializer, which the runtime runs exactly once even when many threads
    /// touch it first at the same moment (the others wait for it). A compare-exchange would not do: every racing
    /// caller would build a pool, and the losers' threads would run for the life of the process.
    /// </summary>
    private static class SharedHolder
    {
        public static readonly WorkerPool Instance = new(Environment.ProcessorCount - 1);
    }

    private interface IJob
    {
        void Invoke(int worker, int workerCount, SpinBarrier barrier);
    }

    /// <summary>Boxes a struct body once per thread and body type; reused by every later dispatch.</summary>
    private sealed class Job<TBody> : IJob
        where TBody : struct, IParallelBody
    {
        [ThreadStatic]
        private static Job<TBody>? t_cached;

        private TBody _body;

        public static Job<TBody> Rent(in TBody body)
        {
            Job<TBody> job = t_cached ?? new Job<TBody>();
            t_cached = null;
            job._body = body;
            return job;
        }

        public void Return()
        {
            _body = default;
            t_cached = this;
        }

        public void Invoke(int worker, int workerCount, SpinBarrier barrier) => _body.Invoke(worker, workerCount, barrier);
    }
}
