// Dispose against a running call, round after round: a thread loops on the call while the main thread
// disposes the owner at a random moment. Every round must end with the loop's next call throwing
// ObjectDisposedException (never an access violation, which kills this process, nor any other exception),
// and in at least a quarter of the rounds Dispose must have come during a running call, so the race was
// really run: either that call went on and completed after Dispose returned (Predict, Step: it started
// before Dispose and ended after it), or it stopped at its next step boundary with ObjectDisposedException
// (Fit: the call that threw started before Dispose).
// Predict also checks that call's outputs bit for bit: memory released under it would show here.
using System.Diagnostics;

namespace FastMlp.Probe;

internal static class DisposeRace
{
    private const int Batch = 64;

    public static string DuringPredict(int rounds)
    {
        Network network = Network.Create([256, 512, 256, 10], Activation.Relu, Activation.Softmax, seed: 1);
        float[] inputs = Inputs(Batch * network.InputSize), expected = new float[Batch * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(Batch))
        {
            network.Predict(inputs, expected, workspace);
        }

        return Race("Predict", rounds, () =>
        {
            Workspace workspace = network.CreateWorkspace(Batch);
            float[] outputs = new float[expected.Length];
            return (workspace, () =>
            {
                network.Predict(inputs, outputs, workspace);
                ProbeFailedException.ThrowUnless(outputs.AsSpan().SequenceEqual(expected), "a Predict call returned outputs that differ from the same call on a workspace nobody disposed");
            }
            );
        });
    }

    public static string DuringStep(int rounds)
    {
        Network network = Network.Create([256, 512, 256, 10], Activation.Relu, Activation.Softmax, seed: 2);
        float[] inputs = Inputs(Batch * network.InputSize), targets = OneHot(Batch, network.OutputSize);
        return Race("Trainer.Step", rounds, () =>
        {
            var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(1e-3f), Batch);
            return (trainer, () => trainer.Step(inputs, targets));
        });
    }

    public static string DuringFit(int rounds)
    {
        Network network = Network.Create([64, 256, 10], Activation.Relu, Activation.Softmax, seed: 3);
        const int samples = 512;
        var data = new Dataset(Inputs(samples * network.InputSize), network.InputSize, OneHot(samples, network.OutputSize), network.OutputSize);
        var options = new FitOptions { Epochs = 1_000, BatchSize = 32, Seed = 0 };
        return Race("Trainer.Fit", rounds, () =>
        {
            var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(1e-4f), maxBatch: 32);
            return (trainer, () => trainer.Fit(data, options));
        });
    }

    private static string Race(string name, int rounds, Func<(IDisposable Owner, Action Call)> setup)
    {
        var random = new Random(0);
        int completedAcross = 0, interrupted = 0;
        long calls = 0;
        for (int round = 0; round < rounds; round++)
        {
            (IDisposable owner, Action call) = setup();
            long lastStart = 0, lastEnd = 0, callStart = long.MaxValue;
            int running = 0;
            Exception? ended = null;
            var caller = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        callStart = Stopwatch.GetTimestamp();
                        Volatile.Write(ref running, 1);
                        call();
                        lastEnd = Stopwatch.GetTimestamp();
                        lastStart = callStart;
                        calls++;
                    }
                }
                catch (Exception e)
                {
                    ended = e;
                }
            });
            caller.Start();
            while (Volatile.Read(ref running) == 0)
            {
                Thread.SpinWait(1);
            }

            Thread.SpinWait(random.Next(1, 20_000));
            long disposeStart = Stopwatch.GetTimestamp();
            owner.Dispose();
            long disposeEnd = Stopwatch.GetTimestamp();
            caller.Join();
            ProbeFailedException.ThrowUnless(ended is ObjectDisposedException, $"round {round}: the {name} loop ended with {ended?.GetType().Name ?? "nothing"} ({ended?.Message}) instead of ObjectDisposedException");
            bool across = lastStart < disposeStart && lastEnd > disposeEnd;
            completedAcross += across ? 1 : 0;
            interrupted += !across && callStart < disposeStart ? 1 : 0;
        }

        ProbeFailedException.ThrowUnless((completedAcross + interrupted) * 4 >= rounds, $"{name}: Dispose came during a running call in only {completedAcross + interrupted} of {rounds} rounds; the race was not exercised");
        return $"{name}: {rounds} rounds, {calls} completed calls; Dispose came during a running call in {completedAcross + interrupted} rounds ({completedAcross} calls completed after Dispose returned, {interrupted} stopped with ObjectDisposedException); every loop ended with ObjectDisposedException";
    }

    private static float[] Inputs(int length)
    {
        var random = new Random(length);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return values;
    }

    private static float[] OneHot(int rows, int classes)
    {
        var targets = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            targets[(r * classes) + (r % classes)] = 1f;
        }

        return targets;
    }
}
