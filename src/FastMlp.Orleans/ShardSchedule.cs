// Which samples each worker trains on, at each step: the one definition the workers, the coordinator's
// resumption after a failure and the tests share.
//   shards   the data is cut into W contiguous shards, shard r = [⌊r·C/W⌋, ⌊(r+1)·C/W⌋) (sizes differ by at most 1)
//   epoch    every epoch has S = ⌈C / B⌉ steps for a global batch B, whatever W is, so a checkpoint at global
//            step g resumes at epoch g / S, step g % S on any number of workers
//   batches  worker r's order in epoch e is its shard permuted by System.Random(Seed(seed, e, r)) (seeded
//            Random is specified: the same permutation on every machine and run); step j of the epoch takes
//            positions [⌊j·n/S⌋, ⌊(j + 1)·n/S⌋) of it, so a step's batches sum to about B and every shard is
//            used up by the epoch's last step. A shard smaller than S has empty steps; the all-reduce weights
//            each contribution by its sample count, so an empty one counts for nothing.
namespace FastMlp.Orleans;

internal readonly record struct ShardSchedule(int Count, int Workers, int GlobalBatch, int Seed)
{
    /// <summary>Steps in every epoch, ⌈C / B⌉.</summary>
    public int StepsPerEpoch => (int)(((long)Count + GlobalBatch - 1) / GlobalBatch);

    /// <summary>The first sample of shard <paramref name="rank"/> and its size.</summary>
    public (int Start, int Length) Shard(int rank)
    {
        int start = (int)((long)rank * Count / Workers), end = (int)((long)(rank + 1) * Count / Workers);
        return (start, end - start);
    }

    /// <summary>
    /// The positions in the epoch's order (<see cref="Order"/>) that step <paramref name="step"/> of the epoch takes
    /// from a shard of <paramref name="shardLength"/> samples: [⌊j·n/S⌋, ⌊(j + 1)·n/S⌋). Sizes differ by at most one
    /// and none is empty while n ≥ S.
    /// </summary>
    public (int Start, int Length) Batch(int shardLength, int step)
    {
        long steps = StepsPerEpoch;
        int start = (int)(step * (long)shardLength / steps), end = (int)((step + 1) * (long)shardLength / steps);
        return (start, end - start);
    }

    /// <summary>The largest batch a shard of <paramref name="shardLength"/> samples gives, ⌈n / S⌉.</summary>
    public int MaxBatch(int shardLength) => (int)(((long)shardLength + StepsPerEpoch - 1) / StepsPerEpoch);

    /// <summary>Writes the epoch's order of the shard's samples (indices into the shard) into <paramref name="order"/>.</summary>
    public void Order(int rank, int epoch, Span<int> order)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(SeedOf(Seed, epoch, rank)).Shuffle(order);
    }

    /// <summary>A seed for (job seed, epoch, rank): distinct per epoch and rank, the same in every process.</summary>
    private static int SeedOf(int seed, int epoch, int rank) =>
        unchecked((int)((uint)seed * 2654435761u ^ ((uint)epoch * 40503u) ^ ((uint)rank * 1000003u)));
}
