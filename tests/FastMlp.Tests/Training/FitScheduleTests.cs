// FitScheduleTests: a learning-rate schedule drives the optimizer.
//   - Before epoch e (0-based) Fit asks the schedule for a rate, passing e, the optimizer's rate when the
//     fit started and the monitored loss of epoch e − 1 (the validation loss, or the training loss without
//     validation; NaN before the first epoch); it sets the optimizer's LearningRate to the answer, and the
//     report of epoch e + 1 carries that rate.
//   - The rate is really used: an unshuffled 3-epoch fit under a schedule is bit-identical to three
//     1-epoch fits with the optimizer's LearningRate set by hand to the same rates.
//   - The library's schedules through Fit: StepDecay, ExponentialDecay and InverseScaling report their
//     formulas' rates epoch by epoch; ReduceOnPlateau, under a validation loss that rises every epoch,
//     reports the rates a fresh instance gives for the reported losses, and does cut the rate.
//   - Without a schedule the rate stays, and a report of an optimizer without a settable rate says NaN.
//   - Warm start: a second scheduled fit on the same trainer starts its schedule from the first fit's starting
//     rate (the decay does not compound), or from a rate set on the optimizer between the fits.
namespace FastMlp.Tests.Training;

public sealed class FitScheduleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_schedule_sees_the_epoch_initial_rate_and_monitored_loss_and_sets_the_rate(bool withValidation)
    {
        Dataset training = FitTestData.Blobs(30, seed: 2), validation = FitTestData.Blobs(12, seed: 4);
        var sgd = new Sgd(0.2f);
        using var trainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, sgd, 10, maxDegreeOfParallelism: 1);
        var schedule = new RecordingSchedule(epoch => 0.2f / (epoch + 1));

        FitResult result = trainer.Fit(training, new FitOptions
        {
            Epochs = 4,
            BatchSize = 10,
            LearningRateSchedule = schedule,
            Validation = withValidation ? validation : null,
        });

        Assert.Equal([0, 1, 2, 3], schedule.Calls.Select(c => c.Epoch));
        Assert.All(schedule.Calls, c => Assert.Equal(0.2f, c.InitialRate));
        Assert.True(float.IsNaN(schedule.Calls[0].MonitoredLoss));
        for (int e = 1; e < 4; e++)
        {
            EpochReport previous = result.History[e - 1];
            float monitored = withValidation ? previous.Validation!.Value.Loss : previous.Training.Loss;
            Assert.Equal(monitored, schedule.Calls[e].MonitoredLoss);
        }

        Assert.Equal([0.2f, 0.1f, 0.2f / 3, 0.05f], result.History.Select(r => r.LearningRate));
        Assert.Equal(0.05f, sgd.LearningRate);
    }

    [Fact]
    public void A_second_scheduled_fit_restarts_the_schedule_from_the_configured_rate()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        var sgd = new Sgd(0.2f);
        using var trainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, sgd, 10, maxDegreeOfParallelism: 1);
        var options = new FitOptions { Epochs = 3, BatchSize = 10, LearningRateSchedule = new ExponentialDecay(0.5f) };

        FitResult first = trainer.Fit(data, options);
        FitResult second = trainer.Fit(data, options);
        Assert.Equal([0.2f, 0.1f, 0.05f], first.History.Select(r => r.LearningRate));
        Assert.Equal([0.2f, 0.1f, 0.05f], second.History.Select(r => r.LearningRate));
        Assert.Equal(0.05f, sgd.LearningRate);

        sgd.LearningRate = 0.8f;
        FitResult third = trainer.Fit(data, options);
        Assert.Equal([0.8f, 0.4f, 0.2f], third.History.Select(r => r.LearningRate));
    }

    [Fact]
    public void The_scheduled_rate_is_the_rate_the_steps_use()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        float[] rates = [0.4f, 0.1f, 0.025f];
        Network scheduled = FitTestData.Classifier(), byHand = FitTestData.Classifier();
        using var scheduledTrainer = new Trainer(scheduled, Loss.CrossEntropy, new Sgd(1f), 10, maxDegreeOfParallelism: 1);
        scheduledTrainer.Fit(data, new FitOptions { Epochs = 3, BatchSize = 10, Shuffle = false, LearningRateSchedule = new RecordingSchedule(e => rates[e]) });

        var sgd = new Sgd(1f);
        using var byHandTrainer = new Trainer(byHand, Loss.CrossEntropy, sgd, 10, maxDegreeOfParallelism: 1);
        foreach (float rate in rates)
        {
            sgd.LearningRate = rate;
            byHandTrainer.Fit(data, new FitOptions { Epochs = 1, BatchSize = 10, Shuffle = false });
        }

        Assert.Equal(byHand.Parameters.ToArray(), scheduled.Parameters.ToArray());
    }

    [Fact]
    public void The_library_schedules_report_their_formulas()
    {
        Assert.Equal([0.4f, 0.4f, 0.2f, 0.2f, 0.1f], ScheduledRates(new StepDecay(stepEpochs: 2, factor: 0.5f)));
        Assert.Equal(Enumerable.Range(0, 5).Select(e => (float)(0.4f * Math.Pow(0.8f, e))), ScheduledRates(new ExponentialDecay(0.8f)));
        Assert.Equal(Enumerable.Range(0, 5).Select(e => (float)(0.4f / Math.Pow(e + 1, 0.5f))), ScheduledRates(new InverseScaling(0.5f)));
    }

    [Fact]
    public void ReduceOnPlateau_cuts_the_rate_when_the_validation_loss_stops_falling()
    {
        Dataset training = FitTestData.Blobs(30, seed: 2);
        int[] shifted = [.. training.Labels.ToArray().Select(label => (label + 1) % FitTestData.Classes)];
        Dataset contradicting = Dataset.ForClassification(training.Features.ToArray(), FitTestData.Features, shifted, FitTestData.Classes);
        var sgd = new Sgd(0.4f);
        using var trainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, sgd, 10, maxDegreeOfParallelism: 1);

        FitResult result = trainer.Fit(training, new FitOptions
        {
            Epochs = 6,
            BatchSize = 10,
            Validation = contradicting,
            LearningRateSchedule = new ReduceOnPlateau(factor: 0.5f, patience: 1),
        });

        var replay = new ReduceOnPlateau(factor: 0.5f, patience: 1);
        for (int e = 0; e < 6; e++)
        {
            float monitored = e == 0 ? float.NaN : result.History[e - 1].Validation!.Value.Loss;
            Assert.Equal(replay.RateFor(e, 0.4f, monitored), result.History[e].LearningRate);
        }

        Assert.True(result.History[^1].LearningRate < 0.4f, $"The rate was never cut: {string.Join(", ", result.History.Select(r => r.LearningRate))}.");
        Assert.Equal(result.History[^1].LearningRate, sgd.LearningRate);
    }

    [Fact]
    public void Without_a_schedule_the_rate_stays_and_an_optimizer_without_one_reports_NaN()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        using var sgdTrainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(0.3f), 10, maxDegreeOfParallelism: 1);
        Assert.All(sgdTrainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 10 }).History, r => Assert.Equal(0.3f, r.LearningRate));

        using var fixedTrainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new FixedRateOptimizer(), 10, maxDegreeOfParallelism: 1);
        Assert.All(fixedTrainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 10 }).History, r => Assert.True(float.IsNaN(r.LearningRate)));
    }

    private static float[] ScheduledRates(ILearningRateSchedule schedule)
    {
        using var trainer = new Trainer(FitTestData.Classifier(), Loss.CrossEntropy, new Sgd(0.4f), 10, maxDegreeOfParallelism: 1);
        FitResult result = trainer.Fit(FitTestData.Blobs(30, seed: 2), new FitOptions { Epochs = 5, BatchSize = 10, LearningRateSchedule = schedule });
        return [.. result.History.Select(r => r.LearningRate)];
    }

    /// <summary>Answers <paramref name="rate"/>(epoch) and records every question.</summary>
    internal sealed class RecordingSchedule(Func<int, float> rate) : ILearningRateSchedule
    {
        public List<(int Epoch, float InitialRate, float MonitoredLoss)> Calls { get; } = [];

        public float RateFor(int epoch, float initialRate, float monitoredLoss)
        {
            Calls.Add((epoch, initialRate, monitoredLoss));
            return rate(epoch);
        }
    }

    /// <summary>p ← p − 0.1 · g, with no settable rate (not an IAdjustableOptimizer).</summary>
    internal sealed class FixedRateOptimizer : IOptimizer
    {
        public void Step(ReadOnlySpan<float> gradients, Span<float> parameters)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= 0.1f * gradients[i];
            }
        }
    }
}
