// The data-parallel job on 3 silos: replicas identical, equal to the same algorithm without Orleans, close to
// single-process training on the concatenated batches, deterministic run after run, and bad input refused.
using FastMlp.Orleans;

using Orleans.TestingHost;

namespace FastMlp.Orleans.Tests;

[Collection(nameof(SharedCluster))]
public sealed class DataParallelTrainerTests(ClusterFixture fixture)
{
    private InProcessTestCluster Cluster => fixture.Cluster;

    private static DataParallelOptions Fifty(int workers, OptimizerSettings optimizer) => new()
    {
        Workers = workers,
        Epochs = 10,
        BatchSize = 30,
        MaxSteps = 50,
        Optimizer = optimizer,
        Seed = 7,
        CheckpointEvery = 20,
    };

    [Theory]
    [InlineData(OptimizerKind.Sgd, 1 << 22)]
    [InlineData(OptimizerKind.Adam, 1 << 22)]
    [InlineData(OptimizerKind.Adam, 37)]   // 163 parameters in 5 buckets, the last of 15: 5 all-reduce grains a step over 3 silos
    public async Task Replicas_are_bit_identical_after_50_steps_and_equal_the_algorithm_run_without_Orleans(OptimizerKind kind, int bucketSize)
    {
        Dataset data = Jobs.Blobs(301, seed: 1);   // 301 over 3 workers: shards of 100, 100, 101
        OptimizerSettings optimizer = kind == OptimizerKind.Adam ? OptimizerSettings.Adam(0.01f) : OptimizerSettings.Sgd(0.2f, momentum: 0.9f);
        DataParallelOptions options = new() { Workers = 3, Epochs = 10, BatchSize = 30, MaxSteps = 50, Optimizer = optimizer, Seed = 7, CheckpointEvery = 20, BucketSize = bucketSize };
        Network network = Jobs.Net(seed: 3);
        float[] expected = Jobs.Simulate(network, data, options, 50);

        DataParallelResult result = await new DataParallelTrainer(Cluster.Client).TrainAsync(network, data, options);

        Assert.Equal(50, result.Steps);
        Assert.Equal(3, result.Replicas.Count);
        for (int r = 0; r < 3; r++)
        {
            AssertBits(expected, result.Replicas[r], $"replica {r}");
        }

        AssertBits(expected, network.Parameters.ToArray(), "the network after TrainAsync");
        Assert.NotEqual(Jobs.Net(seed: 3).Parameters.ToArray(), expected);   // it trained
    }

    [Fact]
    public async Task Two_runs_give_the_same_bits()
    {
        Dataset data = Jobs.Blobs(240, seed: 2);
        DataParallelOptions options = Fifty(3, OptimizerSettings.Adam(0.01f));
        Network first = Jobs.Net(seed: 4), second = Jobs.Net(seed: 4);
        var trainer = new DataParallelTrainer(Cluster.Client);
        await trainer.TrainAsync(first, data, options);
        await trainer.TrainAsync(second, data, options);
        AssertBits(first.Parameters.ToArray(), second.Parameters.ToArray(), "second run");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Each_step_equals_one_process_on_the_concatenated_batch_within_the_summation_bound(int workers)
    {
        // One step from the same start, so the difference is the rounding of one gradient summed in another order:
        // every parameter within 2⁻¹⁶ of the step's size plus 1e-7 (the single-process step's gradients are sums of
        // at most 300 products, each rounded; the combine adds a product and a sum per rank).
        Dataset data = Jobs.Blobs(301, seed: 5);   // unequal shards on 2, 3 and 4 workers: the mean must weight them by sample count
        var options = new DataParallelOptions { Workers = workers, BatchSize = 301, MaxSteps = 1, Optimizer = OptimizerSettings.Sgd(0.5f), Seed = 1 };
        Network network = Jobs.Net(seed: 6);
        float[] start = network.Parameters.ToArray();
        await new DataParallelTrainer(Cluster.Client).TrainAsync(network, data, options);

        Network single = Jobs.Net(seed: 6);
        using var trainer = new Trainer(single, Loss.CrossEntropy, new Sgd(0.5f), 301, 1);
        (float[] x, float[] t) = Concatenated(data, workers, options);
        trainer.Step(x, t);

        float[] distributed = network.Parameters.ToArray(), local = single.Parameters.ToArray();
        for (int i = 0; i < local.Length; i++)
        {
            double bound = (Math.Abs(local[i] - start[i]) * Math.Pow(2, -16)) + 1e-7;
            Assert.True(Math.Abs(distributed[i] - local[i]) <= bound, $"parameter {i}: {distributed[i]} on {workers} workers, {local[i]} in one process (bound {bound})");
        }
    }

    [Fact]
    public async Task Fifty_steps_stay_close_to_one_process_on_the_concatenated_batches()
    {
        Dataset data = Jobs.Blobs(300, seed: 8);
        var options = new DataParallelOptions { Workers = 3, BatchSize = 30, MaxSteps = 50, Optimizer = OptimizerSettings.Sgd(0.1f), Seed = 2, Epochs = 5 };
        Network network = Jobs.Net(seed: 9);
        await new DataParallelTrainer(Cluster.Client).TrainAsync(network, data, options);

        Network single = Jobs.Net(seed: 9);
        using var trainer = new Trainer(single, Loss.CrossEntropy, new Sgd(0.1f), 30, 1);
        var schedule = new ShardSchedule(data.Count, 3, 30, 2);
        for (int step = 0; step < 50; step++)
        {
            (float[] x, float[] t) = Concatenated(data, 3, options, step);
            trainer.Step(x, t);
        }

        float[] distributed = network.Parameters.ToArray(), local = single.Parameters.ToArray();
        double largest = 0;
        for (int i = 0; i < local.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(distributed[i] - local[i]));
        }

        // 50 steps compound one step's rounding differences (≈ 1e-7 each); 1e-4 leaves three orders of margin and still
        // fails for any real difference in the batches or the update (one sample misplaced moves parameters by ≈ 1e-3).
        Assert.True(largest < 1e-4, $"largest difference after 50 steps: {largest}");
        Assert.Equal(10, schedule.StepsPerEpoch);
    }

    [Fact]
    public async Task A_cancelled_job_leaves_the_network_at_its_last_step()
    {
        Dataset data = Jobs.Blobs(240, seed: 3);
        using var cancel = new CancellationTokenSource();
        var options = new DataParallelOptions
        {
            Workers = 3,
            BatchSize = 24,
            Epochs = 50,
            Optimizer = OptimizerSettings.Adam(0.01f),
            Seed = 4,
            CheckpointEvery = 7,
            StepProgress = new Steps(step => { if (step.Step == 12) { cancel.Cancel(); } }),
        };
        Network network = Jobs.Net(seed: 8);
        float[] expected = Jobs.Simulate(network, data, options, 12);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DataParallelTrainer(Cluster.Client).TrainAsync(network, data, options, cancellationToken: cancel.Token));
        AssertBits(expected, network.Parameters.ToArray(), "the network after the cancellation");
    }

    [Fact]
    public async Task Bad_input_is_a_clear_exception()
    {
        var trainer = new DataParallelTrainer(Cluster.Client);
        Dataset data = Jobs.Blobs(10, seed: 1);
        Network network = Jobs.Net(seed: 1);
        float[] before = network.Parameters.ToArray();

        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { Workers = 0 }));
        Assert.Contains("Workers", zero.Message, StringComparison.Ordinal);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(network, Jobs.Blobs(2, seed: 1), new DataParallelOptions { Workers = 3 }));
        Assert.Contains("a shard would be empty", empty.Message, StringComparison.Ordinal);

        Network other = Network.Create([5, 4, 3], Activation.Tanh, Activation.Softmax, 1);
        var mismatch = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(other, data, new DataParallelOptions()));
        Assert.Contains("6 features", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("5 inputs", mismatch.Message, StringComparison.Ordinal);

        var validation = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { Validation = Jobs.Blobs(4, 1).Slice(0, 0) }));
        Assert.Contains("Validation", validation.Message, StringComparison.Ordinal);

        var weighted = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(network, data.WithWeights(Enumerable.Repeat(1f, 10).ToArray()), new DataParallelOptions()));
        Assert.Contains("sample weights", weighted.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { StepTimeout = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { BucketSize = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { MaxSteps = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { BatchSize = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { CheckpointEvery = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { ThreadsPerWorker = 0 }));
        var loss = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(network, data, new DataParallelOptions { Loss = Loss.BinaryCrossEntropy }));
        Assert.Contains("Sigmoid", loss.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerSettings.Sgd(-1f));

        Assert.Equal(before, network.Parameters.ToArray());
    }

    /// <summary>Every rank's batch of the global step, concatenated in rank order.</summary>
    private static (float[] X, float[] T) Concatenated(Dataset data, int workers, DataParallelOptions options, long step = 0)
    {
        var schedule = new ShardSchedule(data.Count, workers, options.BatchSize, options.Seed);
        int epoch = (int)(step / schedule.StepsPerEpoch), inEpoch = (int)(step % schedule.StepsPerEpoch);
        List<float> x = [], t = [];
        for (int r = 0; r < workers; r++)
        {
            (int shardStart, int shardLength) = schedule.Shard(r);
            var order = new int[shardLength];
            schedule.Order(r, epoch, order);
            (int start, int count) = schedule.Batch(shardLength, inEpoch);
            for (int i = 0; i < count; i++)
            {
                int sample = shardStart + order[start + i];
                x.AddRange(data.Features.Slice(sample * data.FeatureCount, data.FeatureCount));
                t.AddRange(data.Targets.Slice(sample * data.TargetCount, data.TargetCount));
            }
        }

        return ([.. x], [.. t]);
    }

    private sealed class Steps(Action<StepReport> onStep) : IProgress<StepReport>
    {
        public void Report(StepReport value) => onStep(value);
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: parameter {i} is {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }
}
