// SerializationConcurrencyTests: saving only reads the parameters, so it may run while other threads
// predict (issue 6, "Load and concurrency"). Four threads predict on one shared Network, each with its
// own Workspace, for a bounded time while another thread saves the same Network over and over to a
// MemoryStream and to a file; every prediction equals the serial one, every save gives the same bytes,
// and nothing throws.
using System.Collections.Concurrent;
using System.Diagnostics;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Model;

[Collection(SerialTestGroup.Name)]
public sealed class SerializationConcurrencyTests
{
    [Fact]
    public void Predicting_threads_and_a_saving_thread_share_one_network()
    {
        const int predictors = 4, batch = 8;
        TimeSpan duration = TimeSpan.FromSeconds(1.5);
        Network network = Network.Create([64, 48, 32, 10], Activation.Relu, Activation.Softmax, seed: 21);
        float[] inputs = [.. Enumerable.Range(0, batch * network.InputSize).Select(i => (float)Math.Cos(i * 0.37))];
        float[] serial = new float[batch * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(batch, 1))
        {
            network.Predict(inputs, serial, workspace);
        }

        byte[] expectedFile = ModelFileBytes.Save(network);
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "shared.safetensors");

        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(predictors + 1);
        long predictions = 0, saves = 0;
        var clock = new Stopwatch();
        Thread[] threads =
        [
            .. Enumerable.Range(0, predictors).Select(p => new Thread(() =>
            {
                using Workspace workspace = network.CreateWorkspace(batch, 1);
                float[] got = new float[serial.Length];
                start.SignalAndWait();
                while (clock.Elapsed < duration)
                {
                    try
                    {
                        Array.Clear(got);
                        network.Predict(inputs, got, workspace);
                        if (!got.AsSpan().SequenceEqual(serial))
                        {
                            failures.Enqueue($"predictor {p}: output differs from the serial one");
                        }

                        Interlocked.Increment(ref predictions);
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"predictor {p}: {e.GetType().Name}: {e.Message}");
                        return;
                    }
                }
            })),
            new Thread(() =>
            {
                start.SignalAndWait();
                while (clock.Elapsed < duration)
                {
                    try
                    {
                        using var memory = new MemoryStream();
                        network.Save(memory);
                        if (!memory.ToArray().AsSpan().SequenceEqual(expectedFile))
                        {
                            failures.Enqueue("saver: the stream bytes differ");
                        }

                        network.Save(path);
                        if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(expectedFile))
                        {
                            failures.Enqueue("saver: the file bytes differ");
                        }

                        Interlocked.Increment(ref saves);
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"saver: {e.GetType().Name}: {e.Message}");
                        return;
                    }
                }
            }),
        ];

        clock.Start();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "a thread did not finish");
        }

        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(10)));
        Assert.True(predictions > 0 && saves > 0, $"{predictions} predictions, {saves} saves");
        Assert.Equal(["shared.safetensors"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
        Assert.True(Network.Load(path).Parameters.SequenceEqual(network.Parameters));
    }
}
