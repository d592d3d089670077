// PredictConcurrencyTests: one Network serves many threads (issue 4). Six threads, each with its own
// Workspace (1 thread, or 2 so that callers also contend for the GEMM worker pool), predict different
// batches of the same inputs at the same time, many rounds; every result is bit-identical to the serial
// result computed beforehand. And one Workspace is for one caller at a time: while it is in use,
// another Predict on it throws InvalidOperationException and writes nothing; two threads hammering one
// Workspace either get that exception or exact results, never corrupt ones, and must really collide
// (the test runs on until at least one refusal happened).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

[Collection(SerialTestGroup.Name)]
public sealed class PredictConcurrencyTests
{
    private const int MaxBatch = 48;
    private static readonly int[] s_batches = [1, 2, 7, 16, 31, 48];

    private readonly Network _network;
    private readonly float[] _inputs;
    private readonly float[][] _serial;   // per batch size in s_batches

    public PredictConcurrencyTests()
    {
        var t = new MlpTestCase([784, 256, 128, 10], Activation.Relu, Activation.Softmax, Loss.CrossEntropy, MaxBatch, MlpTargets.OneHot, 1, 1, Seed: 9);
        var data = MlpTestData.Create(t);
        _network = MlpCheck.CreateNetwork(t, data);
        _inputs = data.Inputs;
        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        _serial = [.. s_batches.Select(batch => Predict(workspace, batch))];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Concurrent_callers_with_their_own_workspaces_get_the_serial_bits(int threadsPerWorkspace)
    {
        const int callers = 6, rounds = 15;
        using var start = new Barrier(callers);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Thread[] threads = [.. Enumerable.Range(0, callers).Select(c => new Thread(() =>
        {
            using Workspace workspace = _network.CreateWorkspace(MaxBatch, threadsPerWorkspace);
            start.SignalAndWait();
            for (int round = 0; round < rounds; round++)
            {
                int which = (c + round) % s_batches.Length;
                try
                {
                    float[] got = Predict(workspace, s_batches[which]);
                    if (!got.AsSpan().SequenceEqual(_serial[which]))
                    {
                        failures.Enqueue($"caller {c}, round {round}, batch {s_batches[which]}: bits differ");
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"caller {c}, round {round}: {e.GetType().Name}: {e.Message}");
                }
            }
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.True(failures.IsEmpty, "Results differing from the serial ones: " + string.Join("; ", failures));
    }

    [Fact]
    public void A_workspace_in_use_refuses_a_second_caller_and_writes_nothing()
    {
        using Workspace workspace = _network.CreateWorkspace(MaxBatch, 1);
        float[] outputs = new float[10];
        Array.Fill(outputs, -7f);
        workspace.Enter();   // what Predict does first: now the workspace is busy
        try
        {
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    Assert.Throws<InvalidOperationException>(() => _network.Predict(_inputs.AsSpan(0, 784), outputs, workspace));
                }
                catch (Exception e)
                {
                    error = e;
                }
            });
            thread.Start();
            thread.Join();
            Assert.Null(error);
            Assert.Throws<InvalidOperationException>(() => _network.Predict(_inputs.AsSpan(0, 784), outputs, workspace));   // the owner's own thread too
            Assert.All(outputs, y => Assert.Equal(-7f, y));
        }
        finally
        {
            workspace.Exit();
        }

        _network.Predict(_inputs.AsSpan(0, 784), outputs, workspace);   // free again
        MlpAssert.BitIdentical(_serial[0], outputs, "outputs once the workspace is free");
    }

    [Fact]
    public void Two_threads_sharing_a_workspace_collide_and_get_refusals_never_corrupt_results()
    {
        // On until 400 calls have completed between the two threads and the calls have really collided. Only a
        // completed call uses up a round: a refusal is quick, so a thread may be refused thousands of times while
        // the other runs one slow call (the scalar path), and counting refusals as rounds let both threads run
        // out of rounds after a hundred calls. At most 20,000 completed calls a thread, and a 2-minute bound so
        // a broken workspace that refuses forever fails the test instead of hanging it.
        const int rounds = 200, maxRounds = 20_000;
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (120 * System.Diagnostics.Stopwatch.Frequency);
        using Workspace shared = _network.CreateWorkspace(MaxBatch, 1);
        using var start = new Barrier(2);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int refused = 0, completed = 0;
        Thread[] threads = [.. Enumerable.Range(0, 2).Select(c => new Thread(() =>
        {
            start.SignalAndWait();
            for (int round = 0, attempt = 0;
                round < maxRounds && (Volatile.Read(ref completed) < 2 * rounds || Volatile.Read(ref refused) == 0)
                    && System.Diagnostics.Stopwatch.GetTimestamp() < deadline;
                attempt++)
            {
                int which = s_batches.Length - 1 - ((c + attempt) % 3);   // the larger batches: long calls, more overlap
                try
                {
                    float[] got = Predict(shared, s_batches[which]);
                    round++;
                    Interlocked.Increment(ref completed);
                    if (!got.AsSpan().SequenceEqual(_serial[which]))
                    {
                        failures.Enqueue($"thread {c}, round {round}: corrupt result");
                    }
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);   // the documented refusal
                }
                catch (Exception e)
                {
                    failures.Enqueue($"thread {c}, round {round}: {e.GetType().Name}: {e.Message}");
                }
            }
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.True(failures.IsEmpty, string.Join("; ", failures));
        Assert.True(refused > 0, $"the two threads never collided on the workspace ({completed} calls completed): the refusal went untested");
        Assert.True(completed >= 2 * rounds, $"only {completed} calls completed ({refused} refused)");
    }

    private float[] Predict(Workspace workspace, int batch)
    {
        float[] outputs = new float[batch * 10];
        _network.Predict(_inputs.AsSpan(0, batch * 784), outputs, workspace);
        return outputs;
    }
}
