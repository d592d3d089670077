// DataParallelProperties: issue 17's semantics of data-parallel training. R = 1..4 replicas start from the same
// parameters; replica r runs ComputeGradients on its shard of n_r samples (equal shards, or unequal sizes); the
// gradients are combined as the all-reduce will, in float and in rank order, g = (Σ_r n_r·g_r) / N with N = Σ n_r
// (each g_r is its shard's mean, so n_r·g_r is its sum); every replica runs ApplyGradients(g). Against one trainer's
// Step on the concatenated batch (SGD, MeanSquaredError or CrossEntropy): the replicas end bit-identical to each other,
// and the combined gradient, the weighted loss Σ_r n_r·L_r / N and the parameters equal the single process's within
// the bound derived below. Random architectures, activations, targets, shard sizes, learning rates and thread counts.
//
// The bound. Let G be the exact gradient of the whole batch and G_r that of shard r, so G = Σ_r (n_r / N)·G_r exactly
// (each shard's mean loss times n_r / N sums to the batch mean; for CrossEntropy as for MeanSquaredError, whose
// 1/(B·outputs) is 1/B times a constant). MlpErrorBound (the running error analysis of the float step against NaiveMlp
// in double) bounds the single process, |g − G| ≤ E_N, and each replica, |g_r − G_r| ≤ E_r, per element. The
// combination rounds R products n_r·g_r (n_r exact), R − 1 sums and one division: in any order at most
// γ(R + 1)·Σ_r n_r·|g_r| / N (Higham 3.1 and 4.2, first order). So per element
//   |g_comb − g| ≤ E_N + Σ_r (n_r / N)·E_r + 2·γ(R + 1)·Σ_r (n_r / N)·|g_r|
// (the 2 is MlpErrorBound.Safety, as on its own bounds). The loss likewise, with MlpErrorBound's loss bounds and
// |L_r|. One SGD step p − lr·g rounds at most twice in each process: γ(2)·(|p| + lr·|g|) each; the single process's
// share of that is inside its parameter bound, so
//   |p_comb − p| ≤ P_N + lr·(Σ_r (n_r / N)·E_r + 2·γ(R + 1)·Σ_r (n_r / N)·|g_r|) + 2·γ(2)·(|p| + lr·|G|).
// A case with a ReLU pre-activation within rounding of its kink voids E (MlpErrorBound) and is discarded.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed class DataParallelProperties
{
    private static Gen<ParallelCase> Cases { get; } =
        from combination in Gen.Elements(MlpGenerators.LegalCombinations().Where(c => c.Loss is Loss.MeanSquaredError or Loss.CrossEntropy).ToArray())
        from sizes in MlpGenerators.Sizes
        from replicas in Gen.Choose(1, 4)
        from equal in Gen.Elements(true, false)
        from shards in equal
            ? Gen.Choose(1, 16).Select(n => Enumerable.Repeat(n, replicas).ToArray())
            : Gen.ArrayOf(Gen.Choose(1, 24), replicas)
        from targets in combination.Loss == Loss.CrossEntropy ? Gen.Elements(MlpGenerators.NonNegativeTargets) : Gen.Elements(MlpTargets.Unit, MlpTargets.Symmetric)
        from lr in Gen.Choose(1, 1 << 10).Select(v => v / (float)(1 << 10))
        from threads in Gen.Elements(1, 1, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        select new ParallelCase(new MlpTestCase(sizes, combination.Hidden, combination.Output, combination.Loss, shards.Sum(), targets, lr, threads, seed), shards);

    [Property(MaxTest = 150)]
    public Property Replicas_applying_the_combined_gradients_match_one_step_on_the_whole_batch() => Prop.ForAll(Arb.From(Cases), Check);

    private static Property Check(ParallelCase c)
    {
        MlpTestCase t = c.Case;
        var data = MlpTestData.Create(t);
        MlpCheck.Reference whole = MlpCheck.Reference.Compute(t, data);
        int[] starts = new int[c.Shards.Length];
        for (int r = 1; r < starts.Length; r++)
        {
            starts[r] = starts[r - 1] + c.Shards[r - 1];
        }

        MlpCheck.Reference[] shards = [.. c.Shards.Select((n, r) => MlpCheck.Reference.Compute(t with { Batch = n }, MlpTestData.Rows(data, t, starts[r], n)))];
        bool kink = whole.Bound.NearReluKink || shards.Any(s => s.Bound.NearReluKink);
        return Prop.When(!kink, () => AssertMatches(c, data, whole, shards, starts));
    }

    private static void AssertMatches(ParallelCase c, MlpTestData data, MlpCheck.Reference whole, MlpCheck.Reference[] shards, int[] starts)
    {
        MlpTestCase t = c.Case;
        int replicas = c.Shards.Length, count = data.Parameters.Length;
        Network single = MlpCheck.CreateNetwork(t, data);
        using var trainer = new Trainer(single, t.Loss, new Sgd(t.LearningRate), t.Batch, t.Threads) { KeepsGradients = true };
        float singleLoss = trainer.Step(data.Inputs, data.Targets);

        var workers = new Trainer[replicas];
        var gradients = new float[replicas][];
        var losses = new float[replicas];
        try
        {
            for (int r = 0; r < replicas; r++)
            {
                int n = c.Shards[r];
                workers[r] = new Trainer(MlpCheck.CreateNetwork(t, data), t.Loss, new Sgd(t.LearningRate), n, t.Threads);
                losses[r] = workers[r].ComputeGradients(data.Inputs.AsSpan(starts[r] * t.InputSize, n * t.InputSize), data.Targets.AsSpan(starts[r] * t.OutputSize, n * t.OutputSize));
                gradients[r] = workers[r].Gradients.ToArray();
            }

            // The all-reduce: Σ_r n_r·g_r in rank order, then / N, in float.
            float[] combined = new float[count];
            float loss = 0;
            for (int r = 0; r < replicas; r++)
            {
                float n = c.Shards[r];
                loss += n * losses[r];
                for (int i = 0; i < count; i++)
                {
                    combined[i] += n * gradients[r][i];
                }
            }

            loss /= t.Batch;
            for (int i = 0; i < count; i++)
            {
                combined[i] /= t.Batch;
            }

            foreach (Trainer worker in workers)
            {
                worker.ApplyGradients(combined);
            }

            for (int r = 1; r < replicas; r++)
            {
                MlpAssert.BitIdentical(workers[0].Network.Parameters, workers[r].Network.Parameters, $"{c}: replica {r}'s parameters against replica 0's");
            }

            double gamma = MlpErrorBound.Safety * MlpErrorBound.Gamma(replicas + 1);
            double lossBound = whole.Bound.Loss;
            for (int r = 0; r < replicas; r++)
            {
                double share = c.Shards[r] / (double)t.Batch;
                lossBound += share * (shards[r].Bound.Loss + (gamma * Math.Abs(losses[r])));
            }

            MlpAssert.Within("Weighted loss of the replicas", 0, loss, singleLoss, lossBound, c);
            ReadOnlySpan<float> singleGradients = trainer.Gradients;
            Span<float> before = data.Parameters, after = workers[0].Network.Parameters, singleAfter = single.Parameters;
            for (int i = 0; i < count; i++)
            {
                double combination = 0;
                for (int r = 0; r < replicas; r++)
                {
                    double share = c.Shards[r] / (double)t.Batch;
                    combination += share * (shards[r].Bound.Gradients[i] + (gamma * Math.Abs(gradients[r][i])));
                }

                MlpAssert.Within("Combined gradients", i, combined[i], singleGradients[i], whole.Bound.Gradients[i] + combination, c);
                double update = MlpErrorBound.Safety * MlpErrorBound.Gamma(2) * (Math.Abs(before[i]) + (t.LearningRate * Math.Abs(whole.Gradients[i])));
                MlpAssert.Within("Replica parameters after the step", i, after[i], singleAfter[i], whole.Bound.Parameters[i] + (t.LearningRate * combination) + update, c);
            }
        }
        finally
        {
            foreach (Trainer? worker in workers)
            {
                worker?.Dispose();
            }
        }
    }

    private sealed record ParallelCase(MlpTestCase Case, int[] Shards)
    {
        public override string ToString() => $"{Case}, shards [{string.Join(", ", Shards)}]";
    }
}
