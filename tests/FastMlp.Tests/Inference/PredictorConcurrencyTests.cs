// PredictorConcurrencyTests: one Predictor, many threads. 64 threads predicting at once get exactly the bits
// serial calls get, and the calls really overlapped: a workspace is built only when every pooled one is in
// use, so WorkspacesCreated > 1 proves two calls were inside at the same moment. Then Dispose while calls are
// in flight: every call either completes with the right answer or throws ObjectDisposedException, nothing
// else, and every call after Dispose throws. At Float32, BFloat16 and Int8, the concurrent calls on 1 and on 2 threads.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Inference;

public sealed class PredictorConcurrencyTests
{
    private const int Callers = 64, Batch = 8;

    [Theory]
    [InlineData(PredictorPrecision.Float32, 1)]
    [InlineData(PredictorPrecision.BFloat16, 1)]
    [InlineData(PredictorPrecision.Int8, 1)]
    [InlineData(PredictorPrecision.Float32, 2)]
    [InlineData(PredictorPrecision.BFloat16, 2)]
    [InlineData(PredictorPrecision.Int8, 2)]
    public void Sixty_four_concurrent_callers_get_the_bits_of_serial_calls(PredictorPrecision precision, int maxDegreeOfParallelism)
    {
        // The first layer, 8 × 64 × 512 = 262,144 multiply-adds, takes two workers at 2 threads (at every precision) when
        // the pool is free, and runs inline when another call holds it: both must give the serial calls' bits.
        Network network = Network.Create([64, 512, 10], Activation.Relu, Activation.Softmax, seed: 6);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = Batch, MaxDegreeOfParallelism = maxDegreeOfParallelism, Precision = precision });
        float[][] inputs = [.. Enumerable.Range(0, Callers).Select(Inputs)];
        float[][] want = [.. inputs.Select(x =>
        {
            float[] y = new float[Batch * 10];
            predictor.Predict(x, y);
            return y;
        })];

        using var start = new Barrier(Callers);
        var mismatches = new int[Callers];
        Exception? failure = null;
        var threads = new Thread[Callers];
        for (int t = 0; t < Callers; t++)
        {
            int caller = t;
            threads[t] = new Thread(() =>
            {
                float[] y = new float[Batch * 10];
                start.SignalAndWait();
                try
                {
                    // 200 rounds, and on a machine so loaded that the threads ran one after another, on until two
                    // calls have overlapped (a pooled workspace was in use when another call came).
                    for (int round = 0; round < 200 || (predictor.WorkspacesCreated <= 1 && round < 100_000); round++)
                    {
                        int which = (caller + round) % Callers;
                        predictor.Predict(inputs[which], y);
                        if (!y.AsSpan().SequenceEqual(want[which]))
                        {
                            mismatches[caller]++;
                        }
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Null(failure);
        Assert.All(mismatches, count => Assert.Equal(0, count));
        Assert.True(predictor.WorkspacesCreated > 1, $"only {predictor.WorkspacesCreated} workspace was built: the calls never overlapped, so the test proved nothing about concurrency.");
        Assert.True(predictor.WorkspacesCreated <= Callers, $"{predictor.WorkspacesCreated} workspaces for {Callers} callers: the pool lost some.");
    }

    [Theory]
    [InlineData(PredictorPrecision.Float32)]
    [InlineData(PredictorPrecision.BFloat16)]
    [InlineData(PredictorPrecision.Int8)]
    public void Dispose_while_calls_are_in_flight_lets_them_finish_or_refuse_and_refuses_every_later_call(PredictorPrecision precision)
    {
        Network network = Network.Create([64, 48, 10], Activation.Relu, Activation.Softmax, seed: 7);
        var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = Batch, Precision = precision });
        float[] x = Inputs(1), want = new float[Batch * 10];
        predictor.Predict(x, want);

        const int threadsCount = 8;
        var completed = new int[threadsCount];
        var refused = new int[threadsCount];
        var wrong = new int[threadsCount];
        Exception? unexpected = null;
        using var start = new Barrier(threadsCount + 1);
        var threads = new Thread[threadsCount];
        for (int t = 0; t < threadsCount; t++)
        {
            int caller = t;
            threads[t] = new Thread(() =>
            {
                float[] y = new float[Batch * 10];
                start.SignalAndWait();
                for (int round = 0; round < 20_000; round++)
                {
                    try
                    {
                        predictor.Predict(x, y);
                        completed[caller]++;
                        if (!y.AsSpan().SequenceEqual(want))
                        {
                            wrong[caller]++;
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        refused[caller]++;
                        return;
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref unexpected, e, null);
                        return;
                    }
                }
            });
            threads[t].Start();
        }

        start.SignalAndWait();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (completed.Sum() < 1000 && threads.Any(thread => thread.IsAlive) && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Yield();
        }

        predictor.Dispose();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Null(unexpected);
        Assert.All(wrong, count => Assert.Equal(0, count));
        Assert.True(refused.Sum() > 0, $"no call was refused after Dispose ({completed.Sum()} completed): Dispose came after every call had finished, so the race was not tested.");
        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(x, want));
    }

    private static float[] Inputs(int seed)
    {
        var random = new Random(seed);
        float[] x = new float[Batch * 64];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        return x;
    }
}
