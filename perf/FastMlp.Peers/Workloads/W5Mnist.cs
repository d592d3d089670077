using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using TorchSharp.Modules;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W5 MNIST, outside BenchmarkDotNet (one measurement is a whole training run), as perf/FastMlp.Benchmarks'
/// MnistHarness: on the bundled digits (8,000 train, 2,000 test), per seed, 784-128-10 ReLU/softmax with
/// cross-entropy, SGD lr 0.1, batch 32, 10 epochs, 1 thread. FastMlp trains with Trainer.Fit exactly as MnistHarness
/// does; TorchSharp with the loop a user writes (<see cref="TorchMnistLoop"/>), from a model holding the same
/// Network.Create(seed) weights and over the same per-epoch order. Timed: the epochs (shuffling, batch gathering,
/// the steps, the running loss); not loading, building the model or the test evaluation afterwards. The systems
/// alternate per seed (FastMlp 0, Torch 0, FastMlp 1, ...) so the machine's load falls on both.
/// Full: seeds 0-4 after <see cref="WarmupEpochs"/> untimed epochs of each system (as MnistHarness), so tiered
/// compilation has optimised both loops; Quick: seed 0 after the same warm-up; Dry: seed 0, one epoch, no warm-up
/// (cold, still a row for each system). After each seed's rows, FastMlp trains the same seed again in a new process
/// with the runtime's default JIT and no warm-up (<see cref="W5Cold"/>), beside this row.
/// A row's TestAccuracy is a fraction (0.935 = 93.5%); AllocatedBytes is the managed allocation of the timed part
/// on this thread (libtorch's native allocations are not in it). A mismatch or not-loaded row has no time (NaN) and
/// no allocation (0); a mismatch row keeps its accuracy, the evidence.
/// </summary>
internal static class W5Mnist
{
    private const int Epochs = 10;
    private const int BatchSize = 32;
    private const float LearningRate = 0.1f;
    private const int WarmupEpochs = 5;

    /// <summary>
    /// The most two systems' test accuracies may differ, in percentage points, for the same seed. Both start from the
    /// same weights and see the same batches in the same order, so only float rounding separates them (measured: at
    /// most 0.05 points, one digit of 2,000, over seeds 0-4), while the seeds themselves spread over 0.6 points. A
    /// wrong loss, learning rate, order or initialisation costs more than 2 points (40 digits).
    /// </summary>
    private const double MaxGapPoints = 2.0;

    private static readonly int[] s_layers = [784, 128, 10];

    /// <returns>Each system's row per seed, and per seed FastMlp's cold row (<see cref="W5Cold"/>) beside its warm one.</returns>
    public static (List<MnistRow> Rows, List<MnistColdRow> Cold) Measure(RunMode mode)
    {
        (Dataset train, Dataset test) = MnistSubset.Load();
        int epochs = mode == RunMode.Dry ? 1 : Epochs;
        int warmupEpochs = mode == RunMode.Dry ? 0 : WarmupEpochs;
        int[] seeds = mode == RunMode.Full ? [0, 1, 2, 3, 4] : [0];
        PeerInfo torchPeer = TorchPeer.Info;
        using TorchMnistLoop? torch = torchPeer.Loaded ? new TorchMnistLoop(train, test) : null;
        if (torch is not null)
        {
            TorchPeer.SetThreads(1);
        }

        if (warmupEpochs > 0)
        {
            Console.Error.WriteLine($"W5 warm-up: {warmupEpochs} untimed epoch(s) of each system...");
            TrainFastMlp(train, test, seed: -1, warmupEpochs);
            if (torch is not null)
            {
                TrainTorch(torch, seed: -1, warmupEpochs);
            }
        }

        var rows = new List<MnistRow>();
        var cold = new List<MnistColdRow>();
        foreach (int seed in seeds)
        {
            Console.Error.WriteLine($"W5 seed {seed}: {epochs} epoch(s) of each system, then of FastMlp in a cold process...");
            FastMlpFit fastMlp = TrainFastMlp(train, test, seed, epochs);
            rows.Add(fastMlp.Row);
            rows.Add(torch is null
                ? new MnistRow(Systems.Torch, seed, double.NaN, double.NaN, 0, $"not loaded: {torchPeer.Detail}")
                : Checked(TrainTorch(torch, seed, epochs), fastMlp.Row));
            cold.Add(W5Cold.Measure(seed, epochs, fastMlp));
        }

        foreach (MnistRow row in rows)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"W5 {Systems.Display(row.System),-10} seed {row.Seed}: {row.Seconds:F3} s, test accuracy {row.TestAccuracy * 100:F2}%, {row.AllocatedBytes / 1024.0:N1} KiB allocated, {row.Status}"));
        }

        foreach (MnistColdRow row in cold)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"W5 cold      seed {row.Seed}: {row.ColdSeconds:F3} s, {row.Ratio:F2}x the warm {row.WarmSeconds:F3} s; first epoch {row.ColdEpochSeconds.DefaultIfEmpty(double.NaN).First():F3} s (warm {row.WarmEpochSeconds[0]:F3}); process {row.ProcessSeconds:F3} s; test accuracy {row.ColdTestAccuracy * 100:F2}%, {row.Status}"));
        }

        return (rows, cold);
    }

    /// <summary>
    /// Network.Create(seed) and its Trainer (untimed), then Trainer.Fit timed alone, as MnistHarness. The cold child
    /// (<see cref="W5Cold"/>) runs this same method, so both rows time the same region.
    /// </summary>
    internal static FastMlpFit TrainFastMlp(Dataset train, Dataset test, int seed, int epochs)
    {
        Network network = Network.Create(s_layers, Activation.Relu, Activation.Softmax, seed);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(LearningRate), BatchSize, maxDegreeOfParallelism: 1);
        var options = new FitOptions { Epochs = epochs, BatchSize = BatchSize, Seed = seed };
        TimedRegion region = TimedRegion.Start();
        FitResult fit = trainer.Fit(train, options);
        RegionCost cost = region.Stop();
        using Workspace workspace = network.CreateWorkspace(maxBatch: 256, maxDegreeOfParallelism: 1);
        var row = new MnistRow(Systems.FastMlp, seed, cost.Seconds, network.Accuracy(test, workspace), cost.AllocatedBytes, "ok");
        double[] epochSeconds = [.. fit.History.Select((e, i) => (e.Elapsed - (i == 0 ? TimeSpan.Zero : fit.History[i - 1].Elapsed)).TotalSeconds)];
        return new FastMlpFit(row, epochSeconds, fit.History[0].SamplesPerSecond / fit.History[^1].SamplesPerSecond,
            Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(network.Parameters)))[..16], cost.JitMethods, cost.JitMilliseconds);
    }

    /// <summary>The same Network.Create(seed) weights as a torch model (untimed), then the training loop timed alone.</summary>
    private static MnistRow TrainTorch(TorchMnistLoop torch, int seed, int epochs)
    {
        using Sequential model = TorchMnistLoop.CreateModel(Network.Create(s_layers, Activation.Relu, Activation.Softmax, seed));
        TimedRegion region = TimedRegion.Start();
        torch.Train(model, seed, epochs, BatchSize, LearningRate);
        RegionCost cost = region.Stop();
        return new MnistRow(Systems.Torch, seed, cost.Seconds, torch.Accuracy(model), cost.AllocatedBytes, "ok");
    }

    /// <summary>The peer's row, or a mismatch row without a time when its accuracy is too far from FastMlp's.</summary>
    private static MnistRow Checked(MnistRow peer, MnistRow fastMlp)
    {
        double gap = Math.Abs(peer.TestAccuracy - fastMlp.TestAccuracy) * 100;
        return gap <= MaxGapPoints
            ? peer
            : peer with
            {
                Seconds = double.NaN,
                AllocatedBytes = 0,
                Status = string.Create(CultureInfo.InvariantCulture,
                    $"mismatch: {Systems.Display(peer.System)} reaches {peer.TestAccuracy * 100:F2}% test accuracy where FastMlp reaches {fastMlp.TestAccuracy * 100:F2}% for seed {fastMlp.Seed}, {gap:F2} points apart (at most {MaxGapPoints} allowed)"),
            };
    }
}

/// <summary>
/// FastMlp's W5 row for one seed and what its cold twin is compared on: each epoch's seconds by Fit's clock
/// (<see cref="EpochReport.Elapsed"/>: the first from the Fit call), the first epoch's samples/s over the last's, and
/// the first 16 hex digits of the SHA-256 of the trained parameters' bytes (equal digests: bit-identical training),
/// and the methods this thread JIT-compiled during the fit and the milliseconds it spent on them (<see cref="RegionCost"/>).
/// </summary>
internal sealed record FastMlpFit(MnistRow Row, IReadOnlyList<double> EpochSeconds, double FirstToLastEpochSpeed, string ParametersHash, long FitJitMethods, double FitJitMilliseconds);
