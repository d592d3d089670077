// Faults: a silo stopped mid-epoch (its own 3-silo cluster), and a worker whose step diverges.
using FastMlp.Orleans;

using Orleans.TestingHost;

namespace FastMlp.Orleans.Tests;

[Collection(nameof(SharedCluster))]
public sealed class FaultTests(ClusterFixture fixture)
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Digits = new(() => MnistSubset.Load());

    private static DataParallelOptions DigitOptions(IProgress<StepReport>? steps = null) => new()
    {
        Workers = 3,
        Epochs = 2,
        BatchSize = 120,
        Optimizer = OptimizerSettings.Sgd(0.1f, momentum: 0.9f),
        CheckpointEvery = 20,
        Seed = 3,
        StepTimeout = TimeSpan.FromSeconds(10),
        BucketSize = 10_000,   // 25,450 parameters in 3 buckets: the recovery redeploys 3 all-reduce grains too
        StepProgress = steps,
    };

    [Fact]
    public async Task A_silo_stopped_mid_epoch_costs_at_most_a_checkpoint_interval_and_the_job_reaches_the_expected_accuracy()
    {
        (Dataset train, Dataset test) = Digits.Value;
        Network baseline = Network.Create([784, 32, 10], Activation.Relu, Activation.Softmax, seed: 5);
        await new DataParallelTrainer(fixture.Cluster.Client).TrainAsync(baseline, train, DigitOptions());
        float expected = Accuracy(baseline, test);

        InProcessTestCluster cluster = await ClusterFixture.StartAsync(3);
        try
        {
            Task? stopping = null;
            var steps = new StepRecorder(step =>
            {
                if (step.Step == 30 && stopping is null)   // once: after the recovery, step 30 comes again
                {
                    stopping = cluster.StopSiloAsync(cluster.Silos[1]);   // mid-epoch 1 (67 steps an epoch), 10 steps after a checkpoint
                }
            });
            Network network = Network.Create([784, 32, 10], Activation.Relu, Activation.Softmax, seed: 5);
            DataParallelResult result = await new DataParallelTrainer(cluster.Client).TrainAsync(network, train, DigitOptions(steps))
                .WaitAsync(TimeSpan.FromMinutes(3));
            await stopping!;

            Assert.True(result.Recoveries >= 1, "the job never noticed the stopped silo");
            Assert.Equal(2, result.Workers);
            Assert.InRange(result.StepsRepeated, 0, 20 * result.Recoveries);   // 0 when the loss is noticed right at a checkpoint
            Assert.Equal(2 * 67, result.Steps);
            Assert.Equal(2, result.History.Count);
            Assert.Equal(2, result.Replicas.Count);
            Assert.Equal(result.Replicas[0], result.Replicas[1]);
            Assert.Contains(steps.Reports, r => r.Workers == 3);
            Assert.Equal(2, steps.Reports[^1].Workers);

            float accuracy = Accuracy(network, test);
            Assert.True(accuracy >= expected - 0.02f && accuracy > 0.85f, $"accuracy {accuracy:P2} after the recovery; {expected:P2} without it");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1 << 22)]
    [InlineData(50)]   // 4 buckets: the abort must reach every bucket's all-reduce
    public async Task A_diverging_worker_stops_the_job_with_its_exception_and_the_parameters_of_the_last_good_step(int bucketSize)
    {
        // A NaN in sample 250 (rank 2's shard): the step whose batch holds it has a NaN loss on rank 2 only.
        Dataset clean = Jobs.Blobs(300, seed: 4);
        float[] features = clean.Features.ToArray();
        features[(250 * 6) + 2] = float.NaN;
        Dataset data = Dataset.ForClassification(features, 6, clean.Labels.ToArray(), 3);
        var options = new DataParallelOptions { Workers = 3, BatchSize = 30, Epochs = 3, Optimizer = OptimizerSettings.Sgd(0.1f, momentum: 0.5f), Seed = 1, CheckpointEvery = 4, BucketSize = bucketSize };
        Network network = Jobs.Net(seed: 2);
        float[] expected = Jobs.Simulate(network, data, options, 30, out long? divergedAt);
        Assert.NotNull(divergedAt);
        Assert.NotEqual(0, divergedAt % 4);   // not at a checkpoint: the parameters must come from the replicas

        var e = await Assert.ThrowsAsync<TrainingDivergedException>(
            () => new DataParallelTrainer(fixture.Cluster.Client).TrainAsync(network, data, options).WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.Contains($"at step {divergedAt}", e.Message, StringComparison.Ordinal);
        Assert.Equal(expected, network.Parameters.ToArray());
    }

    private static float Accuracy(Network network, Dataset test)
    {
        var outputs = new float[test.Count * 10];
        using Workspace workspace = network.CreateWorkspace(test.Count, 1);
        network.Predict(test.Features, outputs, workspace);
        int right = 0;
        for (int i = 0; i < test.Count; i++)
        {
            right += outputs.AsSpan(i * 10, 10).IndexOf(System.Numerics.Tensors.TensorPrimitives.Max<float>(outputs.AsSpan(i * 10, 10))) == test.Labels[i] ? 1 : 0;
        }

        return right / (float)test.Count;
    }

    /// <summary>Records every step report, synchronously on the coordinator's thread (Progress{T} would post them later).</summary>
    private sealed class StepRecorder(Action<StepReport> onStep) : IProgress<StepReport>
    {
        public List<StepReport> Reports { get; } = [];

        public void Report(StepReport value)
        {
            Reports.Add(value);
            onStep(value);
        }
    }
}
