// FitAllocationTests: what Trainer.Fit itself allocates, exactly (issue 9): a fixed amount per call that does not
// depend on the epoch count (the shuffle order, the two batch buffers, the best parameters kept for early
// stopping, the history list at its full capacity, the result), plus, per epoch, exactly one EpochReport and
// its slot in the history's array (one reference); nothing per step, nothing per validation pass. So
//   bytes(Fit with E epochs) = fixed + E · (size of an EpochReport + IntPtr.Size)
// for every call. The size of an EpochReport is measured here by allocating one. After two warm-up rounds,
// fits of 1, 2 and 3 epochs alternate for several rounds and every call is counted on this thread
// (GC.GetAllocatedBytesForCurrentThread, blind to other tests' threads) and must match the formula with the
// same fixed part: an allocation on some calls only, or one per step or per epoch, breaks it. Each counted
// call runs in a no-GC region (the class runs alone, SerialTestGroup, so no other test spends its budget): a
// GC during a call can add up to one allocation quantum (< 8 KiB) to the thread's count with nothing
// allocated (observed here: +1.1 to +8.1 KB on exactly the calls during which a gen-0 GC ran, never
// otherwise), and counting without a GC is exact. Every per-epoch
// feature is on: shuffling, a validation set (or ValidationSplit), a learning-rate schedule, early stopping
// that keeps the best parameters, and a progress receiver (one that allocates nothing itself). Batch sizes 1,
// 7 and 32 over 71 samples (7 and 32 end on a remainder batch); 784-128-10 softmax/cross-entropy (the W5
// network, with accuracy), 4-8-2 identity/MSE (with mean absolute error) and 4-8-3 sigmoid/binary cross-entropy
// on a multi-label set (issue 14), whose training and validation metrics each add one per-label accuracy list per
// epoch (a float[3] and its read-only wrapper, measured here by allocating one):
//   bytes = fixed + E · (size of an EpochReport + IntPtr.Size + 2 · size of a label list).
// And with weights on: class weights over dataset weights (zeros among them, so some batches of 1 weigh 0 and take
// no step) and a weighted validation set; the regression set carries dataset weights through its ValidationSplit.
using System.Globalization;
using System.Runtime;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class FitAllocationTests
{
    private const long NoGcBudget = 16 << 20;   // bytes a counted call may allocate without a GC; a fit here takes about 0.5 MB
    private const int Count = 71;
    private const int WarmUpRounds = 2;
    private const int MeasuredRounds = 4;
    private static readonly int[] s_epochs = [1, 2, 3];

    private static EpochReport? s_sink;
    private static IReadOnlyList<float>? s_listSink;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void Classification_fit_allocates_a_fixed_amount_and_one_report_per_epoch(int batchSize)
    {
        var random = new Random(1);
        Dataset training = Digits(Count, random), validation = Digits(20, random);
        Network network = Network.Create([784, 128, 10], Activation.Relu, Activation.Softmax, seed: 0);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), batchSize, maxDegreeOfParallelism: 1);
        AssertFitAllocatesAFixedAmountAndOneReportPerEpoch(trainer, training, epochs => new FitOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Validation = validation,
            LearningRateSchedule = new ExponentialDecay(0.9f),
            EarlyStoppingPatience = 100,
            Progress = new CountingProgress(),
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void Weighted_classification_fit_allocates_a_fixed_amount_and_one_report_per_epoch(int batchSize)
    {
        var random = new Random(1);
        Dataset training = Digits(Count, random).WithWeights(Weights(Count)), validation = Digits(20, random).WithWeights(Weights(20));
        Network network = Network.Create([784, 128, 10], Activation.Relu, Activation.Softmax, seed: 0);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), batchSize, maxDegreeOfParallelism: 1);
        float[] classWeights = [.. Enumerable.Range(0, 10).Select(c => 0.5f + (c * 0.25f))];
        AssertFitAllocatesAFixedAmountAndOneReportPerEpoch(trainer, training, epochs => new FitOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Validation = validation,
            ClassWeights = classWeights,
            LearningRateSchedule = new ExponentialDecay(0.9f),
            EarlyStoppingPatience = 100,
            Progress = new CountingProgress(),
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void Regression_fit_allocates_a_fixed_amount_and_one_report_per_epoch(int batchSize) =>
        AssertRegressionFit(batchSize, FitTestData.Regression(Count + 10, seed: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void Weighted_regression_fit_allocates_a_fixed_amount_and_one_report_per_epoch(int batchSize) =>
        AssertRegressionFit(batchSize, FitTestData.Regression(Count + 10, seed: 1).WithWeights(Weights(Count + 10)));

    /// <summary>Sample weights with zeros and unequal values: every third sample 0, the others 1 to 3.</summary>
    private static float[] Weights(int count) => [.. Enumerable.Range(0, count).Select(i => i % 3 == 0 ? 0f : 1f + (i % 4 * 0.5f))];

    private static void AssertRegressionFit(int batchSize, Dataset data)
    {
        using var trainer = new Trainer(FitTestData.Regressor(), Loss.MeanSquaredError, new Sgd(0.01f), batchSize, maxDegreeOfParallelism: 1);
        AssertFitAllocatesAFixedAmountAndOneReportPerEpoch(trainer, data, epochs => new FitOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            ValidationSplit = 10.0 / (Count + 10),
            EarlyStoppingPatience = 100,
            Progress = new CountingProgress(),
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    public void Multi_label_fit_allocates_a_fixed_amount_and_per_epoch_a_report_and_two_label_lists(int batchSize)
    {
        Network network = Network.Create([4, 8, 3], Activation.Tanh, Activation.Sigmoid, seed: 0);
        using var trainer = new Trainer(network, Loss.BinaryCrossEntropy, new Sgd(0.1f), batchSize, maxDegreeOfParallelism: 1);
        s_listSink = Array.AsReadOnly(new float[network.OutputSize]);   // the first call also loads the generic type
        long list = AllocationProbe.OnThisThread(() => s_listSink = Array.AsReadOnly(new float[network.OutputSize]), calls: 1).Bytes;
        AssertFitAllocatesAFixedAmountAndOneReportPerEpoch(
            trainer,
            MultiLabelMetricsTests.Thresholds(Count, seed: 1),
            epochs => new FitOptions
            {
                Epochs = epochs,
                BatchSize = batchSize,
                Validation = MultiLabelMetricsTests.Thresholds(20, seed: 2),
                EarlyStoppingPatience = 100,
                Progress = new CountingProgress(),
            },
            labelLists: 2 * list);
    }

    private static void AssertFitAllocatesAFixedAmountAndOneReportPerEpoch(Trainer trainer, Dataset data, Func<int, FitOptions> optionsFor, long labelLists = 0)
    {
        using var cancellation = new CancellationTokenSource(); // a real token, as a service would pass
        CancellationToken token = cancellation.Token;
        var options = s_epochs.ToDictionary(e => e, optionsFor);   // built outside the counted calls
        var calls = new List<(int Epochs, long Bytes)>();
        for (int round = 0; round < WarmUpRounds + MeasuredRounds; round++)
        {
            foreach (int epochs in s_epochs)
            {
                FitOptions fit = options[epochs];
                var progress = (CountingProgress)fit.Progress!;
                int reportsBefore = progress.Reports;
                FitResult? result = null;
                Assert.True(GC.TryStartNoGCRegion(NoGcBudget), "no no-GC region could be started");
                long bytes;
                try
                {
                    bytes = AllocationProbe.OnThisThread(() => result = trainer.Fit(data, fit, token), calls: 1).Bytes;
                    Assert.True(GCSettings.LatencyMode == GCLatencyMode.NoGCRegion, "a GC ran during the counted call, so its count is not exact");
                }
                finally
                {
                    if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                    {
                        GC.EndNoGCRegion();
                    }
                }

                Assert.Equal(epochs, result!.History.Count);
                Assert.Equal(epochs, progress.Reports - reportsBefore);
                Assert.All(result.History, r => Assert.True(float.IsFinite(r.Training.Loss) && r.Training.Loss > 0, $"an epoch's loss is {r.Training.Loss}"));
                if (round >= WarmUpRounds)
                {
                    calls.Add((epochs, bytes));
                }
            }
        }

        long report = AllocationProbe.OnThisThread(() => s_sink = new EpochReport(1, 1, 0.5f, default, default, 1, TimeSpan.Zero), calls: 1).Bytes;
        long perEpoch = report + IntPtr.Size + labelLists;
        long fixedPart = calls[0].Bytes - (calls[0].Epochs * perEpoch);
        string measured = string.Join(", ", calls.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Epochs} epochs: {c.Bytes} B")));
        Assert.True(report > 0 && fixedPart > 0, $"An EpochReport takes {report} B; fixed part {fixedPart} B.");
        foreach ((int epochs, long bytes) in calls)
        {
            Assert.True(
                bytes == fixedPart + (epochs * perEpoch),
                $"Fit with {epochs} epochs allocated {bytes} B; expected {fixedPart} B + {epochs} × ({report} B report + {IntPtr.Size} B slot + {labelLists} B label lists). Every call: {measured}.");
        }
    }

    private static Dataset Digits(int count, Random random)
    {
        float[] features = new float[count * 784];
        int[] labels = new int[count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(10);
        }

        return Dataset.ForClassification(features, 784, labels, 10);
    }

    /// <summary>An IProgress that counts reports and allocates nothing (Progress&lt;T&gt; posts each report to the thread pool).</summary>
    private sealed class CountingProgress : IProgress<EpochReport>
    {
        public int Reports { get; private set; }

        public void Report(EpochReport value) => Reports++;
    }
}
