// FitOptionsValidationTests: Fit and Evaluate reject bad input before any step, with the exception type,
// the parameter name and the offending value in the message (DESIGN.md section 2), and leave the
// parameters bit-identical: null data or options; Epochs below 1; BatchSize below 1 or over the
// trainer's MaxBatch; ValidationSplit negative, 1 or more, or NaN; a split and a Validation set together;
// a split that leaves nothing to train on or nothing to validate; data, Validation or an Evaluate set
// whose shape does not match the network, or that is empty; a schedule for an optimizer without a
// settable rate; a negative EarlyStoppingPatience.
using System.Globalization;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class FitOptionsValidationTests
{
    private const int MaxBatch = 8;

    private readonly Network _network = FitTestData.Classifier();
    private readonly Dataset _data = FitTestData.Blobs(20, seed: 2);

    [Fact]
    public void Null_data_or_options_throw_ArgumentNullException()
    {
        using Trainer trainer = NewTrainer();
        Assert.Equal("training", Assert.Throws<ArgumentNullException>(() => trainer.Fit(null!, new FitOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => trainer.Fit(_data, null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => trainer.Evaluate(null!)).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Epochs_below_one_throw(int epochs)
    {
        AssertRejected<ArgumentOutOfRangeException>(new FitOptions { Epochs = epochs, BatchSize = 4 }, "options", "Epochs", Text(epochs));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MaxBatch + 1)]
    public void A_batch_size_outside_one_to_MaxBatch_throws(int batchSize)
    {
        AssertRejected<ArgumentOutOfRangeException>(new FitOptions { BatchSize = batchSize }, "options", "BatchSize", Text(batchSize), Text(MaxBatch));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_validation_split_outside_zero_to_one_throws(double split)
    {
        AssertRejected<ArgumentOutOfRangeException>(new FitOptions { BatchSize = 4, ValidationSplit = split }, "options", "ValidationSplit", Text(split));
    }

    [Fact]
    public void A_split_and_a_validation_set_together_throw()
    {
        AssertRejected<ArgumentException>(new FitOptions { BatchSize = 4, ValidationSplit = 0.2, Validation = _data }, "options", "Validation", "ValidationSplit");
    }

    [Theory]
    [InlineData(0.01)] // 20 · 0.01 rounds to 0 samples to validate
    [InlineData(0.99)] // 20 · 0.99 rounds to 20 held out, 0 to train
    public void A_split_that_leaves_a_side_empty_throws(double split)
    {
        AssertRejected<ArgumentException>(new FitOptions { BatchSize = 4, ValidationSplit = split }, "training", "20", Text(split));
    }

    [Fact]
    public void Data_of_the_wrong_shape_or_empty_throws()
    {
        Dataset fiveFeatures = Dataset.ForClassification(new float[20 * 5], 5, new int[20], FitTestData.Classes);
        Dataset fourClasses = Dataset.ForClassification(new float[20 * 4], 4, new int[20], 4);
        Dataset empty = Dataset.ForClassification([], FitTestData.Features, [], FitTestData.Classes);
        using Trainer trainer = NewTrainer();

        AssertRejected<ArgumentException>(fiveFeatures, new FitOptions { BatchSize = 4 }, "training", "5 features", "4 inputs");
        AssertRejected<ArgumentException>(fourClasses, new FitOptions { BatchSize = 4 }, "training", "4 targets", "3 outputs");
        AssertRejected<ArgumentException>(empty, new FitOptions { BatchSize = 4 }, "training", "empty");
        AssertRejected<ArgumentException>(new FitOptions { BatchSize = 4, Validation = fiveFeatures }, "options", "5 features", "4 inputs");
        AssertRejected<ArgumentException>(new FitOptions { BatchSize = 4, Validation = empty }, "options", "empty");
        ArgumentAssert.Throws<ArgumentException>("data", () => trainer.Evaluate(fourClasses), "4 targets", "3 outputs");
        ArgumentAssert.Throws<ArgumentException>("data", () => trainer.Evaluate(empty), "empty");
    }

    [Fact]
    public void A_schedule_for_an_optimizer_without_a_settable_rate_throws()
    {
        var options = new FitOptions { BatchSize = 4, LearningRateSchedule = new FitScheduleTests.RecordingSchedule(_ => 0.1f) };
        using var trainer = new Trainer(_network, Loss.CrossEntropy, new FitScheduleTests.FixedRateOptimizer(), MaxBatch, 1);
        float[] before = _network.Parameters.ToArray();
        ArgumentAssert.Throws<ArgumentException>("options", () => trainer.Fit(_data, options), "LearningRateSchedule", nameof(FitScheduleTests.FixedRateOptimizer));
        Assert.Equal(before, _network.Parameters.ToArray());
    }

    [Fact]
    public void A_negative_patience_throws()
    {
        AssertRejected<ArgumentOutOfRangeException>(new FitOptions { BatchSize = 4, EarlyStoppingPatience = -2 }, "options", "-2");
    }

    private static string Text(double value) => value.ToString(CultureInfo.CurrentCulture);

    private Trainer NewTrainer() => new(_network, Loss.CrossEntropy, new Sgd(0.1f), MaxBatch, maxDegreeOfParallelism: 1);

    private void AssertRejected<TException>(FitOptions options, string paramName, params string[] mentions)
        where TException : ArgumentException => AssertRejected<TException>(_data, options, paramName, mentions);

    private void AssertRejected<TException>(Dataset data, FitOptions options, string paramName, params string[] mentions)
        where TException : ArgumentException
    {
        using Trainer trainer = NewTrainer();
        float[] before = _network.Parameters.ToArray();
        var reports = new FitRecorder(_network);
        ArgumentAssert.Throws<TException>(paramName, () => trainer.Fit(data, new FitOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            ValidationSplit = options.ValidationSplit,
            Validation = options.Validation,
            LearningRateSchedule = options.LearningRateSchedule,
            EarlyStoppingPatience = options.EarlyStoppingPatience,
            Progress = reports,
        }), mentions);
        Assert.Equal(before, _network.Parameters.ToArray());
        Assert.Empty(reports.Reports);
    }
}
