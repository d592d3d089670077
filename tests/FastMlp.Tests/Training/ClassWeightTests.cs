// ClassWeightTests: weights in Fit and Evaluate (Trainer.Weights.cs): Dataset.WithWeights and FitOptions.ClassWeights.
//   - Class weights move the decision on an imbalanced two-class problem the documented way: weighing the minority
//     class 9 (its inverse frequency) raises its recall and lowers the majority's; deterministic (fixed seeds).
//   - PyTorch's CrossEntropyLoss(weight = c, reduction = 'mean') = Σ c_{y_i} ℓ_i / Σ c_{y_i}: one full batch's reported
//     loss against that formula from the network's own predictions (double), and a weighted validation set's loss
//     against Σ w ℓ / Σ w.
//   - ClassWeights c are the sample weights c_y (the same fit, bit for bit), and combine with the dataset's weights
//     s as s·c (dyadic values, so both products are exact).
//   - A batch whose weights are all 0 takes no step: the fit equals the fit without those samples, bit for bit, and
//     its samples still count in the accuracy.
//   - Dataset: WithWeights shares the data, Slice and ForClassification keep the weights; Evaluate weighs chunks.
//   - Refused before anything is trained: bad dataset weights (length, sign, NaN, all 0), class weights of the wrong
//     count, for a loss other than CrossEntropy, negative or NaN or all 0, a row with no target mass, and a split
//     whose training or validation part weighs 0.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class ClassWeightTests
{
    [Fact]
    public void Minority_class_weight_raises_its_recall()
    {
        Dataset data = Imbalanced(400, seed: 3);
        (double minority, double majority) plain = Recalls(Train(data, null), data);
        (double minority, double majority) weighted = Recalls(Train(data, [1f, 9f]), data);
        Assert.True(weighted.minority > plain.minority + 0.1, $"minority recall {plain.minority:F3} unweighted, {weighted.minority:F3} with class weights [1, 9]");
        Assert.True(weighted.majority < plain.majority, $"majority recall {plain.majority:F3} unweighted, {weighted.majority:F3} with class weights [1, 9]");
    }

    [Fact]
    public void A_full_batch_loss_is_PyTorch_weighted_cross_entropy()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        float[] classWeights = [0.5f, 3f, 1.25f];
        Network network = FitTestData.Classifier();
        double[] losses = SampleLosses(network, data);
        double want = 0, total = 0;
        for (int i = 0; i < data.Count; i++)
        {
            want += classWeights[data.Labels[i]] * losses[i];
            total += classWeights[data.Labels[i]];
        }

        want /= total;
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), data.Count, maxDegreeOfParallelism: 1);
        FitResult result = trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = data.Count, ClassWeights = classWeights });
        Assert.True(Math.Abs(result.History[0].Training.Loss - want) <= 1e-6 * want, $"reported {result.History[0].Training.Loss}, Σ c_y ℓ / Σ c_y = {want}");
        Assert.True(Math.Abs(losses.Average() - want) > 1e-3 * want, "the unweighted loss is as large: the check means nothing");
    }

    [Fact]
    public void Evaluate_and_validation_weigh_the_loss_by_the_sets_weights()
    {
        Dataset data = FitTestData.Blobs(23, seed: 4);
        float[] weights = [.. Enumerable.Range(0, data.Count).Select(i => i < 8 ? 0f : (i % 4) * 0.75f)];   // the first chunk of 8 weighs 0
        Network network = FitTestData.Classifier();
        double[] losses = SampleLosses(network, data);
        double want = losses.Select((l, i) => l * weights[i]).Sum() / weights.Sum();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), maxBatch: 8, maxDegreeOfParallelism: 1);
        EpochMetrics weighted = trainer.Evaluate(data.WithWeights(weights)), plain = trainer.Evaluate(data);
        Assert.True(Math.Abs(weighted.Loss - want) <= 1e-6 * want, $"Evaluate {weighted.Loss}, Σ w ℓ / Σ w = {want}");
        Assert.Equal(plain.Accuracy, weighted.Accuracy);   // accuracy is not weighted

        FitResult result = trainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 8, Validation = data.WithWeights(weights), ClassWeights = [1f, 1f, 1f] });
        EpochMetrics after = trainer.Evaluate(data.WithWeights(weights));
        Assert.Equal(after.Loss, result.History[0].Validation!.Value.Loss);
    }

    [Fact]
    public void Class_weights_are_sample_weights_of_each_class_and_combine_with_them()
    {
        Dataset data = FitTestData.Blobs(41, seed: 5);
        float[] classWeights = [0.5f, 2f, 1.25f];
        float[] own = [.. Enumerable.Range(0, data.Count).Select(i => (i % 5) * 0.25f)];
        static FitOptions Options(float[]? classes) => new() { Epochs = 3, BatchSize = 6, Seed = 9, ClassWeights = classes };
        AssertSameFit(Fit(data, Options(classWeights)), Fit(data.WithWeights([.. data.Labels.ToArray().Select(y => classWeights[y])]), Options(null)));
        AssertSameFit(Fit(data.WithWeights(own), Options(classWeights)), Fit(data.WithWeights([.. own.Select((s, i) => s * classWeights[data.Labels[i]])]), Options(null)));
    }

    [Fact]
    public void A_batch_of_zero_weights_takes_no_step_and_still_counts_in_the_accuracy()
    {
        Dataset data = FitTestData.Blobs(30, seed: 6);
        float[] weights = [.. Enumerable.Range(0, data.Count).Select(i => i < 10 ? 0f : 1f + (i % 3))];
        FitOptions options = new() { Epochs = 2, BatchSize = 10, Shuffle = false };
        Network skipped = FitTestData.Classifier(), rest = FitTestData.Classifier();
        int correctSkipped = Correct(skipped, data, 0, 10, out _);   // the first batch, before any step
        using var first = new Trainer(skipped, Loss.CrossEntropy, new Sgd(0.2f), 10, maxDegreeOfParallelism: 1);
        using var second = new Trainer(rest, Loss.CrossEntropy, new Sgd(0.2f), 10, maxDegreeOfParallelism: 1);
        FitResult a = first.Fit(data.WithWeights(weights), options), b = second.Fit(data.Slice(10, 20).WithWeights(weights[10..]), options);
        MlpAssert.BitIdentical(rest.Parameters, skipped.Parameters, "parameters with a zero-weight batch against without its samples");
        Assert.Equal(b.History[0].Training.Loss, a.History[0].Training.Loss);
        Assert.Equal((correctSkipped + (b.History[0].Training.Accuracy * 20)) / 30, a.History[0].Training.Accuracy, 1e-6);
    }

    [Fact]
    public void Dataset_weights_share_the_data_and_survive_slicing()
    {
        Dataset data = FitTestData.Blobs(12, seed: 1);
        float[] weights = [.. Enumerable.Range(0, 12).Select(i => i * 0.5f)];
        Dataset weighted = data.WithWeights(weights);
        Assert.True(data.Weights.IsEmpty);
        Assert.True(weighted.Weights == weights.AsSpan(), "WithWeights keeps the array");
        Assert.True(weighted.Features == data.Features && weighted.Targets == data.Targets && weighted.Labels == data.Labels, "WithWeights shares features, targets and labels");
        Dataset slice = weighted.Slice(3, 5);
        Assert.Equal(weights[3..8], slice.Weights.ToArray());
        Assert.Equal(data.Labels.Slice(3, 5).ToArray(), slice.Labels.ToArray());
        Assert.True(slice.IsClassification);
        Assert.Equal(weights, new Dataset(data.Features.ToArray(), 4, data.Targets.ToArray(), 3).WithWeights(weights).Weights.ToArray());
    }

    [Fact]
    public void Bad_dataset_weights_are_refused_naming_the_sample()
    {
        Dataset data = FitTestData.Blobs(4, seed: 1);
        Assert.Throws<ArgumentNullException>(() => data.WithWeights(null!));
        ArgumentException length = Assert.Throws<ArgumentException>(() => data.WithWeights([1f, 1f, 1f]));
        Assert.Equal("weights", length.ParamName);
        Assert.Contains("weights has 3 values but the dataset has 4 samples", length.Message, StringComparison.Ordinal);
        foreach (float bad in new[] { -0.5f, float.NaN, float.PositiveInfinity })
        {
            ArgumentException refused = Assert.Throws<ArgumentException>(() => data.WithWeights([1f, 1f, bad, 1f]));
            Assert.Equal("weights", refused.ParamName);
            Assert.Contains($"Sample 2 has the weight {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}", refused.Message, StringComparison.Ordinal);
        }

        Assert.Contains("Every one of the 4 weights is 0", Assert.Throws<ArgumentException>(() => data.WithWeights(new float[4])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_class_weights_and_weightless_splits_are_refused_with_nothing_trained()
    {
        Dataset data = FitTestData.Blobs(12, seed: 1);
        Network network = FitTestData.Classifier();
        float[] before = network.Parameters.ToArray();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 4, maxDegreeOfParallelism: 1);
        static FitOptions Options(float[]? classes, double split = 0) => new() { Epochs = 1, BatchSize = 4, ClassWeights = classes, ValidationSplit = split };
        AssertRefused(trainer, data, Options([1f, 2f]), "options", "ClassWeights has 2 values but the network has 3 outputs");
        AssertRefused(trainer, data, Options([1f, -2f, 1f]), "options", "Sample 1 has the weight -2");
        AssertRefused(trainer, data, Options([1f, float.NaN, 1f]), "options", "Sample 1 has the weight NaN");
        AssertRefused(trainer, data, Options([0f, 0f, 0f]), "options", "Every one of the 3 weights is 0");
        float[] noClass = data.Targets.ToArray();
        noClass.AsSpan(5 * 3, 3).Clear();
        AssertRefused(trainer, new Dataset(data.Features.ToArray(), 4, noClass, 3), Options([1f, 1f, 1f]), "training", "Sample 5's targets sum to 0");
        float[] weights = [.. Enumerable.Range(0, 12).Select(i => i < 9 ? 1f : 0f)];
        AssertRefused(trainer, data.WithWeights(weights), Options(null, split: 0.25), "options", "Every one of the 3 weights is 0");            // the held-out 3
        AssertRefused(trainer, data.WithWeights([.. weights.Reverse()]), Options(null, split: 0.75), "training", "Every one of the 3 weights is 0");   // the 3 trained on
        Assert.Contains("Every one of the 3 weights is 0", Assert.Throws<ArgumentException>(() => trainer.Evaluate(data.WithWeights(weights).Slice(9, 3))).Message, StringComparison.Ordinal);
        MlpAssert.BitIdentical(before, network.Parameters, "parameters after the refused fits");

        foreach ((Activation output, Loss loss) in new[] { (Activation.Identity, Loss.MeanSquaredError), (Activation.Sigmoid, Loss.BinaryCrossEntropy) })
        {
            using var wrongLoss = new Trainer(Network.Create([4, 8, 3], Activation.Tanh, output, 7), loss, new Sgd(0.1f), 4, maxDegreeOfParallelism: 1);
            AssertRefused(wrongLoss, data, Options([1f, 2f, 1f]), "options", $"ClassWeights need Loss.CrossEntropy, where each sample has a class; this trainer minimizes {loss}");
        }
    }

    private static void AssertRefused(Trainer trainer, Dataset data, FitOptions options, string name, string message)
    {
        ArgumentException refused = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data, options));
        Assert.Equal(name, refused.ParamName);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Two classes in 2-D, overlapping: 90% class 0 around (0, 0), 10% class 1 around (1, 1), noise ±1.</summary>
    private static Dataset Imbalanced(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * 2];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 10 == 0 ? 1 : 0;
            for (int j = 0; j < 2; j++)
            {
                features[(i * 2) + j] = labels[i] + (float)((random.NextDouble() * 2) - 1);
            }
        }

        return Dataset.ForClassification(features, 2, labels, 2);
    }

    private static Network Train(Dataset data, float[]? classWeights)
    {
        Network network = Network.Create([2, 8, 2], Activation.Tanh, Activation.Softmax, seed: 1);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f, momentum: 0.9f), 20, maxDegreeOfParallelism: 1);
        trainer.Fit(data, new FitOptions { Epochs = 30, BatchSize = 20, Seed = 2, ClassWeights = classWeights });
        return network;
    }

    /// <summary>The recall of class 1 and of class 0 on the data.</summary>
    private static (double Minority, double Majority) Recalls(Network network, Dataset data)
    {
        int minority = Correct(network, data, 0, data.Count, out int[] predicted);
        int ones = 0, zeros = 0, rightOnes = 0, rightZeros = 0;
        for (int i = 0; i < data.Count; i++)
        {
            bool one = data.Labels[i] == 1;
            (ones, zeros) = one ? (ones + 1, zeros) : (ones, zeros + 1);
            rightOnes += one && predicted[i] == 1 ? 1 : 0;
            rightZeros += !one && predicted[i] == 0 ? 1 : 0;
        }

        Assert.True(minority == rightOnes + rightZeros);
        return ((double)rightOnes / ones, (double)rightZeros / zeros);
    }

    /// <summary>How many of samples [first, first + count) the network classifies right; the predicted class of each.</summary>
    private static int Correct(Network network, Dataset data, int first, int count, out int[] predicted)
    {
        using Workspace workspace = network.CreateWorkspace(count, 1);
        float[] outputs = new float[count * data.TargetCount];
        network.Predict(data.Features.Slice(first * data.FeatureCount, count * data.FeatureCount), outputs, workspace);
        predicted = [.. Enumerable.Range(0, count).Select(r => System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(outputs.AsSpan(r * data.TargetCount, data.TargetCount)))];
        int[] labels = data.Labels.Slice(first, count).ToArray();
        return predicted.Where((p, r) => p == labels[r]).Count();
    }

    /// <summary>−ln p_y of every sample under the network's current parameters, in double.</summary>
    private static double[] SampleLosses(Network network, Dataset data)
    {
        using Workspace workspace = network.CreateWorkspace(data.Count, 1);
        float[] outputs = new float[data.Count * data.TargetCount];
        network.Predict(data.Features, outputs, workspace);
        return [.. Enumerable.Range(0, data.Count).Select(i => -Math.Log(outputs[(i * data.TargetCount) + data.Labels[i]]))];
    }

    private static (FitResult Result, float[] Parameters) Fit(Dataset data, FitOptions options)
    {
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f, momentum: 0.9f), options.BatchSize, maxDegreeOfParallelism: 1);
        return (trainer.Fit(data, options), network.Parameters.ToArray());
    }

    private static void AssertSameFit((FitResult Result, float[] Parameters) want, (FitResult Result, float[] Parameters) got)
    {
        MlpAssert.BitIdentical(want.Parameters, got.Parameters, "parameters after the fit");
        MlpAssert.BitIdentical([.. want.Result.History.Select(r => r.Training.Loss)], [.. got.Result.History.Select(r => r.Training.Loss)], "epoch losses");
    }
}
