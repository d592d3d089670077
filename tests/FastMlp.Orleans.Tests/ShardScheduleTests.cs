using FastMlp.Orleans;

namespace FastMlp.Orleans.Tests;

public sealed class ShardScheduleTests
{
    [Theory]
    [InlineData(301, 3, 30)]
    [InlineData(10, 4, 3)]
    [InlineData(8000, 2, 120)]
    [InlineData(7, 7, 100)]
    [InlineData(50, 3, 1)]
    public void Every_sample_is_in_exactly_one_batch_of_each_epoch(int count, int workers, int batch)
    {
        var schedule = new ShardSchedule(count, workers, batch, Seed: 11);
        Assert.Equal((count + batch - 1) / batch, schedule.StepsPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = new int[count];
            int next = 0;
            for (int r = 0; r < workers; r++)
            {
                (int start, int length) = schedule.Shard(r);
                Assert.Equal(next, start);
                Assert.InRange(length, count / workers, (count / workers) + 1);
                next = start + length;
                var order = new int[length];
                schedule.Order(r, epoch, order);
                int position = 0;
                for (int step = 0; step < schedule.StepsPerEpoch; step++)
                {
                    (int from, int n) = schedule.Batch(length, step);
                    Assert.Equal(position, from);
                    Assert.InRange(n, 0, schedule.MaxBatch(length));
                    position += n;
                    for (int i = from; i < from + n; i++)
                    {
                        seen[start + order[i]]++;
                    }
                }

                Assert.Equal(length, position);
            }

            Assert.Equal(count, next);
            Assert.All(seen, s => Assert.Equal(1, s));
        }
    }

    [Fact]
    public void Orders_differ_by_epoch_and_rank_and_repeat_for_the_same_seed()
    {
        var schedule = new ShardSchedule(1000, 2, 10, Seed: 5);
        int[] Order(int rank, int epoch)
        {
            var order = new int[500];
            schedule.Order(rank, epoch, order);
            return order;
        }

        Assert.Equal(Order(0, 0), Order(0, 0));
        Assert.NotEqual(Order(0, 0), Order(0, 1));
        Assert.NotEqual(Order(0, 0), Order(1, 0));
        Assert.NotEqual(Order(0, 0), new ShardSchedule(1000, 2, 10, Seed: 6) is var other && Fill(other) is var o ? o : null);

        static int[] Fill(ShardSchedule s)
        {
            var order = new int[500];
            s.Order(0, 0, order);
            return order;
        }
    }

    [Fact]
    public void The_steps_of_an_epoch_do_not_depend_on_the_worker_count()
    {
        Assert.Equal(new ShardSchedule(8000, 3, 120, 0).StepsPerEpoch, new ShardSchedule(8000, 2, 120, 0).StepsPerEpoch);
    }
}
