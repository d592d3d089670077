// Small training problems for the cluster tests, and the same algorithm run in this process without Orleans
// (Simulate): N local trainers, each ComputeGradients on its ShardSchedule batch, GradientSum in rank
// order, ApplyGradients on every one. A cluster job must give exactly its bits.
using FastMlp.Orleans;

namespace FastMlp.Orleans.Tests;

internal static class Jobs
{
    /// <summary>A classification set of <paramref name="count"/> samples, 6 features, 3 classes, from <paramref name="seed"/>.</summary>
    public static Dataset Blobs(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 6];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(3);
            for (int f = 0; f < 6; f++)
            {
                features[(i * 6) + f] = (float)((random.NextDouble() * 2) - 1 + (f % 3 == labels[i] ? 1.5 : 0));
            }
        }

        return Dataset.ForClassification(features, 6, labels, 3);
    }

    public static Network Net(int seed) => Network.Create([6, 16, 3], Activation.Tanh, Activation.Softmax, seed);

    /// <summary>The parameters after <paramref name="steps"/> steps of the data-parallel algorithm, in this process.</summary>
    public static float[] Simulate(Network start, Dataset data, DataParallelOptions options, long steps) =>
        Simulate(start, data, options, steps, out _);

    /// <summary>
    /// As <see cref="Simulate(Network, Dataset, DataParallelOptions, long)"/>; when a step diverges, stops there with the
    /// parameters from before it and sets <paramref name="diverged"/> to that step.
    /// </summary>
    public static float[] Simulate(Network start, Dataset data, DataParallelOptions options, long steps, out long? diverged)
    {
        diverged = null;
        int workers = options.Workers, nIn = data.FeatureCount, nOut = data.TargetCount;
        var schedule = new ShardSchedule(data.Count, workers, options.BatchSize, options.Seed);
        var trainers = new Trainer[workers];
        var orders = new int[workers][];
        for (int r = 0; r < workers; r++)
        {
            Network replica = Network.Create(start.LayerSizes, Activation.Tanh, Activation.Softmax, seed: 0);
            start.Parameters.CopyTo(replica.Parameters);
            trainers[r] = new Trainer(replica, options.Loss, options.Optimizer.Create(), Math.Max(1, schedule.MaxBatch(schedule.Shard(r).Length)), 1);
            orders[r] = new int[schedule.Shard(r).Length];
        }

        var mean = new float[start.Parameters.Length];
        var losses = new float[workers];
        var samples = new int[workers];
        var gradients = new float[workers][];
        for (long step = 0; step < steps && diverged is null; step++)
        {
            try
            {
                Step(step);
            }
            catch (TrainingDivergedException)
            {
                diverged = step;
            }
        }

        float[] result = trainers[0].Network.Parameters.ToArray();
        foreach (Trainer trainer in trainers)
        {
            trainer.Dispose();
        }

        return result;

        void Step(long step)
        {
            int epoch = (int)(step / schedule.StepsPerEpoch), inEpoch = (int)(step % schedule.StepsPerEpoch);
            for (int r = 0; r < workers; r++)
            {
                (int shardStart, int shardLength) = schedule.Shard(r);
                schedule.Order(r, epoch, orders[r]);
                (int start0, int count) = schedule.Batch(shardLength, inEpoch);
                var x = new float[count * nIn];
                var t = new float[count * nOut];
                for (int i = 0; i < count; i++)
                {
                    int sample = shardStart + orders[r][start0 + i];
                    data.Features.Slice(sample * nIn, nIn).CopyTo(x.AsSpan(i * nIn));
                    data.Targets.Slice(sample * nOut, nOut).CopyTo(t.AsSpan(i * nOut));
                }

                samples[r] = count;
                losses[r] = count > 0 ? trainers[r].ComputeGradients(x, t) : 0;
                gradients[r] = count > 0 ? trainers[r].Gradients.ToArray() : [];
            }

            Array.Clear(mean);
            for (int r = 0; r < workers; r++)
            {
                GradientSum.Add(gradients[r], samples[r], mean);
            }

            GradientSum.Finish(mean, samples.Sum());
            foreach (Trainer trainer in trainers)
            {
                trainer.ApplyGradients(mean);
            }
        }
    }
}
