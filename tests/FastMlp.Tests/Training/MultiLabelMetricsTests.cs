// MultiLabelMetricsTests: the multi-label figures of EpochMetrics (issue 14) under Loss.BinaryCrossEntropy:
// LabelAccuracy (Keras binary_accuracy), ExactMatchAccuracy (subset accuracy) and LabelAccuracies (one per output),
// against NaiveMultiLabel, the counting twin in FastMlp.Reference.
//   - The threshold rule on crafted values, through the internal Metrics directly (a trained network cannot be made
//     to output exactly 0.5): an output of exactly 0.5 is negative, the next float up positive; a target of exactly
//     0.5 positive, the next float down negative; a NaN output wrong for either target.
//   - FsCheck: any outputs (0.5 and its neighbours, NaN, infinities, random values) and 0/1/soft targets, fed as any
//     split into batches, gathered by indices or not, count as the naive twin counts them all at once.
//   - Fit: a full-batch unshuffled fit reports, at every epoch, the naive figures of Network.Predict with the
//     parameters it measured: training ones from the parameters before the epoch's step, validation ones (a set
//     larger than MaxBatch, so measured in batches) from those after it.
//   - Evaluate on an untrained network equals the naive count (neither all right nor all wrong); a separable set is
//     learned to exact match 1 on every label; a classification set under BCE has both argmax accuracy and the label
//     figures; other losses report NaN and no list.
//   - Equality by value (the list element by element), a read-only list, ToString that lists it.
using FastMlp.Reference;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Training;

public sealed unsafe class MultiLabelMetricsTests
{
    private const int Features = 4;
    private const int Labels = 3;

    private static readonly float[] s_specials =
    [
        0.5f, MathF.BitIncrement(0.5f), MathF.BitDecrement(0.5f), float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 1f, -0f,
    ];

    private static Gen<float> Outputs { get; } = Gen.OneOf(Gen.Elements(s_specials), Gen.Choose(0, 1000).Select(i => i / 1000f));

    private static Gen<float> Targets { get; } = Gen.OneOf(Gen.Elements(0f, 1f, 0.5f, MathF.BitDecrement(0.5f)), Gen.Choose(0, 100).Select(i => i / 100f));

    [Fact]
    public void The_threshold_rule_holds_at_0_5_and_for_NaN_outputs()
    {
        (float Output, float Target, bool Right)[] cases =
        [
            (0.5f, 0f, true),                                  // y = 0.5 is negative (y > 0.5 is positive, as Keras)
            (0.5f, 1f, false),
            (MathF.BitIncrement(0.5f), 1f, true),
            (MathF.BitIncrement(0.5f), 0f, false),
            (0.9f, 0.5f, true),                                // t = 0.5 is positive (t ≥ 0.5)
            (0.5f, 0.5f, false),
            (0.1f, MathF.BitDecrement(0.5f), true),            // just below 0.5 is negative
            (0.7f, 0.7f, true),                                // soft targets count by their side of 0.5
            (float.NaN, 0f, false),                            // NaN is wrong whatever the target
            (float.NaN, 1f, false),
            (float.PositiveInfinity, 1f, true),
            (float.NegativeInfinity, 0f, true),
        ];
        float[] outputs = [.. cases.Select(c => c.Output)], targets = [.. cases.Select(c => c.Target)];

        EpochMetrics metrics = Measure(outputs, targets, cases.Length, [1]);   // one sample, one label per case

        Assert.NotNull(metrics.LabelAccuracies);
        Assert.Equal(cases.Select(c => c.Right ? 1f : 0f), metrics.LabelAccuracies);
        Assert.Equal((float)cases.Count(c => c.Right) / cases.Length, metrics.LabelAccuracy);
        Assert.Equal(0f, metrics.ExactMatchAccuracy);
        AssertNaive(NaiveMultiLabel.Of(outputs, targets, cases.Length), metrics);

        float[] right = [.. cases.Where(c => c.Right).Select(c => c.Output)], rightTargets = [.. cases.Where(c => c.Right).Select(c => c.Target)];
        Assert.Equal(1f, Measure(right, rightTargets, right.Length, [1]).ExactMatchAccuracy);
    }

    [Property(MaxTest = 200)]
    public Property Batches_in_any_split_count_as_the_naive_twin_counts_them_all() => Prop.ForAll(
        Arb.From(
            from n in Gen.Choose(1, 6)
            from count in Gen.Choose(1, 20)
            from outputs in Gen.ArrayOf(Outputs, count * n)
            from targets in Gen.ArrayOf(Targets, count * n)
            from splits in Gen.ArrayOf(Gen.Choose(1, count), 8)
            from gathered in Gen.Elements(false, true)
            select (n, outputs, targets, splits, gathered)),
        c =>
        {
            EpochMetrics metrics = Measure(c.outputs, c.targets, c.n, c.splits, c.gathered);
            AssertNaive(NaiveMultiLabel.Of(c.outputs, c.targets, c.n), metrics);
        });

    [Fact]
    public void Fit_reports_the_naive_figures_of_the_parameters_it_measured()
    {
        Dataset training = Thresholds(40, seed: 1), validation = Thresholds(50, seed: 2);
        Network network = Network.Create([Features, 8, Labels], Activation.Tanh, Activation.Sigmoid, seed: 3);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.5f), maxBatch: 40, maxDegreeOfParallelism: 1);
        float[] initial = network.Parameters.ToArray();
        var recorder = new FitRecorder(network);

        trainer.Fit(training, new FitOptions { Epochs = 6, BatchSize = 40, Shuffle = false, Validation = validation, Progress = recorder });

        for (int e = 0; e < recorder.Reports.Count; e++)
        {
            EpochReport report = recorder.Reports[e];
            float[] before = e == 0 ? initial : recorder.Parameters[e - 1];
            AssertNaive(NaiveOf(network, before, training), report.Training, $"epoch {e + 1} training");
            AssertNaive(NaiveOf(network, recorder.Parameters[e], validation), report.Validation!.Value, $"epoch {e + 1} validation");
            Assert.True(float.IsNaN(report.Training.Accuracy) && float.IsNaN(report.Validation!.Value.Accuracy), "argmax accuracy on a multi-label set");
            Assert.True(report.Training.MeanAbsoluteError > 0 && report.Validation!.Value.MeanAbsoluteError > 0, "mean absolute error stays");
        }

        Assert.NotEqual(recorder.Reports[0].Validation, recorder.Reports[^1].Validation);   // the figures moved as it learned
    }

    [Fact]
    public void Evaluate_of_an_untrained_network_equals_the_naive_count()
    {
        var random = new Random(5);
        float[] features = [.. Enumerable.Range(0, 60 * Features).Select(_ => (random.NextSingle() * 2) - 1)];
        float[] targets = [.. Enumerable.Range(0, 60 * Labels).Select(_ => (float)random.Next(2))];
        var data = new Dataset(features, Features, targets, Labels);
        Network network = Network.Create([Features, 8, Labels], Activation.Relu, Activation.Sigmoid, seed: 6);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.1f), maxBatch: 16, maxDegreeOfParallelism: 1);

        EpochMetrics metrics = trainer.Evaluate(data);

        NaiveMultiLabelMetrics naive = NaiveOf(network, network.Parameters.ToArray(), data);
        AssertNaive(naive, metrics);
        Assert.InRange(naive.ExactMatchAccuracy, 0.01, 0.99);
        Assert.InRange(naive.LabelAccuracy, 0.01, 0.99);
    }

    [Fact]
    public void A_separable_set_is_learned_to_exact_match_one()
    {
        Network network = Network.Create([Features, 16, Labels], Activation.Tanh, Activation.Sigmoid, seed: 7);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Adam(0.02f), maxBatch: 16, maxDegreeOfParallelism: 1);
        Dataset validation = Thresholds(100, seed: 9);

        FitResult result = trainer.Fit(Thresholds(300, seed: 8), new FitOptions { Epochs = 60, BatchSize = 16, Seed = 1, Validation = validation });

        EpochMetrics last = result.History[^1].Validation!.Value;
        Assert.Equal(1f, last.ExactMatchAccuracy);
        Assert.Equal(1f, last.LabelAccuracy);
        Assert.Equal(Enumerable.Repeat(1f, Labels), last.LabelAccuracies!);
        AssertNaive(NaiveOf(network, network.Parameters.ToArray(), validation), last);
        Assert.True(result.History[0].Training.ExactMatchAccuracy < 1f, "the first epoch already had every label right: the set proves nothing");
    }

    [Fact]
    public void A_classification_set_under_BCE_has_argmax_accuracy_and_the_label_figures()
    {
        Dataset data = FitTestData.Blobs(45, seed: 3);
        Network network = Network.Create([Features, 8, FitTestData.Classes], Activation.Tanh, Activation.Sigmoid, seed: 4);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.5f), maxBatch: 7, maxDegreeOfParallelism: 1);
        trainer.Fit(data, new FitOptions { Epochs = 3, BatchSize = 5 });

        EpochMetrics metrics = trainer.Evaluate(data);

        float[] y = Predict(network, network.Parameters.ToArray(), data);
        int correct = Enumerable.Range(0, data.Count).Count(i => ArgMax(y.AsSpan(i * FitTestData.Classes, FitTestData.Classes)) == data.Labels[i]);
        Assert.Equal((float)((double)correct / data.Count), metrics.Accuracy);
        Assert.True(float.IsNaN(metrics.MeanAbsoluteError));
        AssertNaive(NaiveMultiLabel.Of(y, data.Targets.ToArray(), FitTestData.Classes), metrics);
    }

    [Fact]
    public void Other_losses_report_NaN_label_figures_and_no_list()
    {
        using var classifier = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(0.05f), 7, 1);
        using var regressor = new Trainer(FitTestData.Regressor(), Loss.MeanSquaredError, new Sgd(0.05f), 7, 1);
        FitResult c = classifier.Fit(FitTestData.Blobs(30, seed: 1), new FitOptions { Epochs = 2, BatchSize = 5, ValidationSplit = 0.2 });
        FitResult r = regressor.Fit(FitTestData.Regression(30, seed: 1), new FitOptions { Epochs = 2, BatchSize = 5, ValidationSplit = 0.2 });

        Assert.All(c.History.Concat(r.History).SelectMany(e => new[] { e.Training, e.Validation!.Value }), m =>
        {
            Assert.True(float.IsNaN(m.LabelAccuracy) && float.IsNaN(m.ExactMatchAccuracy), $"{m}");
            Assert.Null(m.LabelAccuracies);
        });
    }

    [Fact]
    public void Metrics_compare_by_value_and_the_list_is_read_only()
    {
        Network network = Network.Create([Features, 8, Labels], Activation.Tanh, Activation.Sigmoid, seed: 3);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.5f), maxBatch: 16, maxDegreeOfParallelism: 1);
        Dataset data = Thresholds(30, seed: 1);

        EpochMetrics first = trainer.Evaluate(data), second = trainer.Evaluate(data);

        Assert.NotSame(first.LabelAccuracies, second.LabelAccuracies);
        Assert.Equal(first, second);
        Assert.True(first == second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        float[] changed = [.. first.LabelAccuracies!];
        changed[^1] = MathF.BitIncrement(changed[^1]);
        Assert.NotEqual(first, first with { LabelAccuracies = changed });
        Assert.NotEqual(first, first with { LabelAccuracies = null });
        Assert.NotEqual(first, first with { ExactMatchAccuracy = MathF.BitIncrement(first.ExactMatchAccuracy) });
        Assert.Equal(new EpochMetrics(1, float.NaN, 2), new EpochMetrics(1, float.NaN, 2));   // NaN figures equal, as float.Equals

        Assert.IsNotType<float[]>(first.LabelAccuracies);
        Assert.Throws<NotSupportedException>(() => ((IList<float>)first.LabelAccuracies!)[0] = 0);
        Assert.Contains($"LabelAccuracies = [{string.Join(", ", first.LabelAccuracies!)}]", first.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// 4 features in U(−1, 1), 3 independent labels from thresholds on them (x0 &gt; 0, x1 + x2 &gt; 0, x3 &gt; 0.3); samples
    /// within 0.1 of a threshold are drawn again, so the set is separable with a margin.
    /// </summary>
    internal static Dataset Thresholds(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * Features], targets = new float[count * Labels];
        for (int i = 0; i < count; i++)
        {
            Span<float> x = features.AsSpan(i * Features, Features);
            float[] margins;
            do
            {
                for (int j = 0; j < Features; j++)
                {
                    x[j] = (random.NextSingle() * 2) - 1;
                }

                margins = [x[0], x[1] + x[2], x[3] - 0.3f];
            }
            while (margins.Any(m => MathF.Abs(m) < 0.1f));

            for (int j = 0; j < Labels; j++)
            {
                targets[(i * Labels) + j] = margins[j] > 0 ? 1f : 0f;
            }
        }

        return new Dataset(features, Features, targets, Labels);
    }

    /// <summary>The internal running metrics over outputs fed in batches of the given sizes (cycled), gathered through indices or not.</summary>
    private static EpochMetrics Measure(float[] outputs, float[] targets, int n, int[] batchSizes, bool gathered = false)
    {
        int count = outputs.Length / n;
        var metrics = new Metrics(new long[n]);
        int[] indices = [.. Enumerable.Range(0, count)];
        fixed (float* y = outputs, t = targets)
        {
            for (int first = 0, b = 0; first < count; first += batchSizes[b++ % batchSizes.Length])
            {
                int rows = Math.Min(batchSizes[b % batchSizes.Length], count - first);
                metrics.Add(0f, y + (first * n), t + (first * n), rows, n, default, gathered ? indices.AsSpan(first, rows) : default, rows);
            }
        }

        return metrics.Result(classification: false, n);
    }

    private static NaiveMultiLabelMetrics NaiveOf(Network network, float[] parameters, Dataset data) =>
        NaiveMultiLabel.Of(Predict(network, parameters, data), data.Targets.ToArray(), data.TargetCount);

    /// <summary>Network.Predict on the whole set with the given parameters (the network's own are put back after).</summary>
    private static float[] Predict(Network network, float[] parameters, Dataset data)
    {
        float[] saved = network.Parameters.ToArray();
        parameters.CopyTo(network.Parameters);
        using Workspace workspace = network.CreateWorkspace(data.Count, 1);
        float[] outputs = new float[data.Count * network.OutputSize];
        network.Predict(data.Features, outputs, workspace);
        saved.CopyTo(network.Parameters);
        return outputs;
    }

    /// <summary>The counts are exact, so the figures are the naive quotients rounded to float, bit for bit.</summary>
    private static void AssertNaive(NaiveMultiLabelMetrics naive, EpochMetrics metrics, string what = "")
    {
        Assert.True((float)naive.LabelAccuracy == metrics.LabelAccuracy, $"{what}: LabelAccuracy {metrics.LabelAccuracy}, naive {naive.LabelAccuracy}");
        Assert.True((float)naive.ExactMatchAccuracy == metrics.ExactMatchAccuracy, $"{what}: ExactMatchAccuracy {metrics.ExactMatchAccuracy}, naive {naive.ExactMatchAccuracy}");
        Assert.True(metrics.LabelAccuracies is not null, $"{what}: no LabelAccuracies");
        Assert.Equal(naive.LabelAccuracies.Select(a => (float)a), metrics.LabelAccuracies!);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            best = row[j] > row[best] ? j : best;
        }

        return best;
    }
}
