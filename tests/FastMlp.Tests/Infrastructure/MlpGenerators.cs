// MlpGenerators: FsCheck generators and shrinkers for MlpTestCase, and the legal activation × loss
// combinations (DESIGN.md section 2: Softmax only on the output layer, CrossEntropy only with a Softmax
// output; for CrossEntropy any non-negative targets: one-hot, soft (rows summing to 1), unnormalized in
// [0, 1] and whole counts 0..2 (multi-hot, scaled one-hot, all-zero rows); targets in [0, 1] or [−1, 1] otherwise).
//
// Sizes are not uniform: widths and batches that end a vector (1, 2, 3; 7, 8, 9; 15, 16, 17; 31, 32, 33;
// 63, 64, 65) or the GEMM's register tiles (6, 12) are where kernels break, so they are drawn often,
// together with uniform 1..70. Batch 1 (the GEMV row path) gets its own share.
using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Infrastructure;

internal static class MlpGenerators
{
    /// <summary>The most units in a layer and samples in a batch.</summary>
    public const int MaxSize = 70;

    private static readonly int[] s_edges = [1, 2, 3, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 63, 64, 65];

    /// <summary>Every activation a hidden layer takes (all but Softmax): the property tests draw from this one list.</summary>
    public static Activation[] HiddenActivations { get; } = [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Gelu, Activation.Silu];

    /// <summary>The activations the tiny path takes (TinyStep.cs): those whose derivative comes from their output, not GELU or SiLU.</summary>
    public static Activation[] TinyPathActivations { get; } = [.. HiddenActivations.Where(a => a is not (Activation.Gelu or Activation.Silu))];

    /// <summary>Every kind of target CrossEntropy accepts.</summary>
    public static MlpTargets[] NonNegativeTargets { get; } = [MlpTargets.OneHot, MlpTargets.Distribution, MlpTargets.Unit, MlpTargets.Counts];

    /// <summary>Every legal (hidden, output, loss): 5 hidden × (6 outputs × 2 squared losses + Softmax × CrossEntropy) = 65.</summary>
    public static IEnumerable<(Activation Hidden, Activation Output, Loss Loss)> LegalCombinations()
    {
        foreach (Activation hidden in HiddenActivations)
        {
            foreach (Activation output in Enum.GetValues<Activation>())
            {
                yield return (hidden, output, Loss.MeanSquaredError);
                yield return (hidden, output, Loss.SumSquaredError);
                if (output == Activation.Softmax)
                {
                    yield return (hidden, output, Loss.CrossEntropy);
                }
            }
        }
    }

    /// <summary><see cref="LegalCombinations"/> as xunit theory rows (hidden, output, loss).</summary>
    public static TheoryData<Activation, Activation, Loss> LegalCombinationRows()
    {
        var rows = new TheoryData<Activation, Activation, Loss>();
        foreach ((Activation hidden, Activation output, Loss loss) in LegalCombinations())
        {
            rows.Add(hidden, output, loss);
        }

        return rows;
    }

    /// <summary>A layer width or a batch size in 1..MaxSize, biased toward vector and tile edges.</summary>
    public static Gen<int> Size { get; } = Gen.Frequency(
        (2, Gen.Choose(1, 3)),
        (3, Gen.Elements(s_edges)),
        (4, Gen.Choose(1, MaxSize)));

    /// <summary>[inputs, hidden..., outputs] for 1 to 4 dense layers.</summary>
    public static Gen<int[]> Sizes { get; } =
        from layers in Gen.Choose(1, 4)
        from sizes in Gen.ArrayOf(Size, layers + 1)
        select sizes;

    /// <summary>Cases of one combination, with every other choice random.</summary>
    public static Gen<MlpTestCase> Cases(Activation hidden, Activation output, Loss loss)
    {
        Gen<MlpTargets> targets = loss == Loss.CrossEntropy
            ? Gen.Elements(NonNegativeTargets)
            : Gen.Elements(MlpTargets.Unit, MlpTargets.Symmetric);
        return Cases(hidden, output, loss, targets);
    }

    /// <summary>Cases of one combination with targets drawn from <paramref name="targets"/>, every other choice random.</summary>
    public static Gen<MlpTestCase> Cases(Activation hidden, Activation output, Loss loss, Gen<MlpTargets> targets)
    {
        return
            from sizes in Sizes
            from batch in Gen.Frequency((1, Gen.Constant(1)), (4, Size))
            from target in targets
            from lr in Gen.Choose(1, 1 << 10).Select(v => v / (float)(1 << 10))   // dyadic in (0, 1]: printed exactly
            from threads in Gen.Elements(1, 1, 2)
            from seed in Gen.Choose(0, int.MaxValue)
            select new MlpTestCase(sizes, hidden, output, loss, batch, target, lr, threads, seed);
    }

    /// <summary>Cases of any legal combination.</summary>
    public static Gen<MlpTestCase> AnyCases { get; } =
        Gen.Elements(LegalCombinations().ToArray()).SelectMany(c => Cases(c.Hidden, c.Output, c.Loss));

    public static Arbitrary<MlpTestCase> Arbitrary(Gen<MlpTestCase> cases) => Arb.From(cases, Shrink);

    /// <summary>Fewer layers, narrower layers, a smaller batch, one thread; the combination and seed are kept.</summary>
    public static IEnumerable<MlpTestCase> Shrink(MlpTestCase t)
    {
        for (int drop = 1; drop < t.Sizes.Length - 1; drop++)
        {
            yield return t with { Sizes = [.. t.Sizes.Where((_, i) => i != drop)] };
        }

        for (int i = 0; i < t.Sizes.Length; i++)
        {
            foreach (int smaller in Smaller(t.Sizes[i]))
            {
                int[] sizes = (int[])t.Sizes.Clone();
                sizes[i] = smaller;
                yield return t with { Sizes = sizes };
            }
        }

        foreach (int smaller in Smaller(t.Batch))
        {
            yield return t with { Batch = smaller };
        }

        if (t.Threads != 1)
        {
            yield return t with { Threads = 1 };
        }
    }

    private static IEnumerable<int> Smaller(int value) =>
        new[] { 1, value / 2, value - 1 }.Where(v => v >= 1 && v < value).Distinct();
}
