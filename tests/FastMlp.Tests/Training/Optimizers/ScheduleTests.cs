// ScheduleTests: the learning-rate schedules.
//   - StepDecay, ExponentialDecay and InverseScaling give lr₀·factor^⌊e/step⌋, lr₀·γ^e and lr₀/(e + 1)^power
//     at chosen epochs (exactly for power-of-two factors, otherwise within 2 ulps of the formula evaluated
//     in double on the float arguments), whatever the monitored loss; a decay that underflows float stops
//     at the smallest positive float, which an optimizer accepts.
//   - ReduceOnPlateau: epoch 0 (NaN loss) gives lr₀; `patience` epochs in a row without a loss below
//     best − threshold·|best| multiply the rate by factor, then the count restarts; the rate never goes
//     below minRate (nor rises to it), NaN losses never improve, and epoch 0 starts over.
//   - Every argument is validated, at construction and in RateFor.
//   - Through Trainer.Fit, the reported rate of each epoch is the schedule's.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class ScheduleTests
{
    [Theory]
    [InlineData(0, 0.1f)]
    [InlineData(2, 0.1f)]
    [InlineData(3, 0.05f)]
    [InlineData(5, 0.05f)]
    [InlineData(6, 0.025f)]
    [InlineData(10, 0.0125f)]
    public void StepDecay_halves_every_three_epochs(int epoch, float want)
    {
        Assert.Equal(want, new StepDecay(3, 0.5f).RateFor(epoch, 0.1f, monitoredLoss: epoch == 0 ? float.NaN : 1));
    }

    [Fact]
    public void StepDecay_with_a_decimal_factor_is_within_two_ulps()
    {
        var decay = new StepDecay(stepEpochs: 1, factor: 0.1f);
        foreach (int epoch in new[] { 0, 1, 4, 7 })
        {
            AssertClose(0.3f * Math.Pow(0.1f, epoch), decay.RateFor(epoch, 0.3f, 0.5f));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    public void ExponentialDecay_is_gamma_to_the_epoch(int epoch)
    {
        AssertClose(0.01f * Math.Pow(0.9f, epoch), new ExponentialDecay(0.9f).RateFor(epoch, 0.01f, 3));
    }

    [Theory]
    [InlineData(0.5f, 0, 0.6f)]
    [InlineData(0.5f, 3, 0.3f)]
    [InlineData(0.5f, 8, 0.2f)]
    [InlineData(1f, 4, 0.12f)]
    [InlineData(0f, 99, 0.6f)]
    public void InverseScaling_divides_by_a_power_of_the_epoch(float power, int epoch, float want)
    {
        AssertClose(want, new InverseScaling(power).RateFor(epoch, 0.6f, float.NaN));
    }

    [Fact]
    public void InverseScaling_defaults_to_scikit_learns_power()
    {
        Assert.Equal(0.5f, new InverseScaling().Power);
    }

    [Fact]
    public void Constant_factors_keep_the_rate()
    {
        Assert.Equal(0.7f, new StepDecay(1, 1).RateFor(1000, 0.7f, 1));
        Assert.Equal(0.7f, new ExponentialDecay(1).RateFor(1000, 0.7f, 1));
    }

    [Fact]
    public void A_decay_that_underflows_stops_at_the_smallest_positive_float()
    {
        ILearningRateSchedule[] schedules = [new StepDecay(1, 0.5f), new ExponentialDecay(0.5f), new InverseScaling(1000)];
        foreach (ILearningRateSchedule schedule in schedules)
        {
            float rate = schedule.RateFor(100_000, 1e-3f, 1);
            Assert.Equal(float.Epsilon, rate);
            new Adam().LearningRate = rate;
        }
    }

    [Fact]
    public void ReduceOnPlateau_reduces_after_patience_epochs_without_improvement()
    {
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 2, threshold: 0);
        // Epoch 0 knows nothing; 1.0 is the first best; two epochs at 1.0 reduce; 0.9 improves; two at 0.95 reduce again.
        float[] losses = [float.NaN, 1.0f, 1.0f, 1.0f, 0.9f, 0.95f, 0.95f, 0.95f];
        float[] want = [0.8f, 0.8f, 0.8f, 0.4f, 0.4f, 0.4f, 0.2f, 0.2f];
        AssertRates(schedule, 0.8f, losses, want);
    }

    [Fact]
    public void ReduceOnPlateau_counts_only_relative_improvements_beyond_the_threshold()
    {
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 1, threshold: 0.1f);
        // Best 1.0: 0.95 is not below 0.9, so it reduces; 0.89 is; then best 0.89 needs < 0.801.
        float[] losses = [float.NaN, 1.0f, 0.95f, 0.89f, 0.85f, 0.8f];
        float[] want = [1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f];
        AssertRates(schedule, 1f, losses, want);
    }

    [Fact]
    public void ReduceOnPlateau_never_goes_below_minRate_nor_rises_to_it()
    {
        float[] flat = [float.NaN, 1, 1, 1, 1, 1];
        AssertRates(new ReduceOnPlateau(factor: 0.1f, patience: 1, minRate: 0.003f), 0.1f, flat, [0.1f, 0.1f, 0.1f * 0.1f, 0.003f, 0.003f, 0.003f]);
        AssertRates(new ReduceOnPlateau(factor: 0.1f, patience: 1, minRate: 0.01f), 0.001f, flat, [0.001f, 0.001f, 0.001f, 0.001f, 0.001f, 0.001f]);
    }

    [Fact]
    public void ReduceOnPlateau_with_no_floor_stays_positive()
    {
        var schedule = new ReduceOnPlateau(factor: 0.01f, patience: 1);
        float rate = schedule.RateFor(0, 1, float.NaN);
        for (int epoch = 1; epoch < 100; epoch++)
        {
            rate = schedule.RateFor(epoch, 1, 1);
        }

        Assert.Equal(float.Epsilon, rate);
        new Sgd(1).LearningRate = rate;
    }

    [Fact]
    public void ReduceOnPlateau_treats_NaN_as_no_improvement_and_starts_over_at_epoch_0()
    {
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 2, threshold: 0);
        AssertRates(schedule, 1f, [float.NaN, 0.1f, float.NaN, float.NaN, 0.2f], [1f, 1f, 1f, 0.5f, 0.5f]);
        // A new fit: back to its initial rate, and 0.2 (worse than the old best 0.1) is the new best.
        AssertRates(schedule, 0.6f, [float.NaN, 0.2f, 0.2f, 0.19f, 0.2f, 0.2f], [0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.3f]);
    }

    [Fact]
    public void ReduceOnPlateau_keeps_Keras_and_PyTorch_defaults()
    {
        var schedule = new ReduceOnPlateau();
        Assert.Equal((0.1f, 10, 0f, 1e-4f), (schedule.Factor, schedule.Patience, schedule.MinRate, schedule.Threshold));
    }

    public static TheoryData<string, string, float> BadArguments() => new()
    {
        { "StepDecay", "stepEpochs", 0 },
        { "StepDecay", "stepEpochs", -3 },
        { "StepDecay", "factor", 0 },
        { "StepDecay", "factor", -0.5f },
        { "StepDecay", "factor", 1.5f },
        { "StepDecay", "factor", float.NaN },
        { "StepDecay", "factor", float.PositiveInfinity },
        { "ExponentialDecay", "gamma", 0 },
        { "ExponentialDecay", "gamma", -0.9f },
        { "ExponentialDecay", "gamma", 1.01f },
        { "ExponentialDecay", "gamma", float.NaN },
        { "InverseScaling", "power", -0.5f },
        { "InverseScaling", "power", float.NaN },
        { "InverseScaling", "power", float.PositiveInfinity },
        { "ReduceOnPlateau", "factor", 0 },
        { "ReduceOnPlateau", "factor", 1 },
        { "ReduceOnPlateau", "factor", -0.1f },
        { "ReduceOnPlateau", "factor", float.NaN },
        { "ReduceOnPlateau", "patience", 0 },
        { "ReduceOnPlateau", "patience", -1 },
        { "ReduceOnPlateau", "minRate", -1e-6f },
        { "ReduceOnPlateau", "minRate", float.NaN },
        { "ReduceOnPlateau", "minRate", float.PositiveInfinity },
        { "ReduceOnPlateau", "threshold", -1e-4f },
        { "ReduceOnPlateau", "threshold", 1 },
        { "ReduceOnPlateau", "threshold", float.NaN },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void An_argument_out_of_range_throws_naming_it(string schedule, string parameter, float value)
    {
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(parameter, () => _ = schedule switch
        {
            "StepDecay" => parameter == "stepEpochs" ? new StepDecay((int)value, 0.5f) : (ILearningRateSchedule)new StepDecay(2, value),
            "ExponentialDecay" => new ExponentialDecay(value),
            "InverseScaling" => new InverseScaling(value),
            _ => parameter switch
            {
                "factor" => new ReduceOnPlateau(factor: value),
                "patience" => new ReduceOnPlateau(patience: (int)value),
                "minRate" => new ReduceOnPlateau(minRate: value),
                _ => new ReduceOnPlateau(threshold: value),
            },
        });
    }

    public static TheoryData<string> Schedules() => new("StepDecay", "ExponentialDecay", "InverseScaling", "ReduceOnPlateau");

    [Theory]
    [MemberData(nameof(Schedules))]
    public void RateFor_rejects_a_negative_epoch_and_a_bad_initial_rate(string name)
    {
        ILearningRateSchedule schedule = Create(name);
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("epoch", () => schedule.RateFor(-1, 0.1f, float.NaN));
        foreach (float initialRate in new[] { 0f, -0.1f, float.NaN, float.PositiveInfinity })
        {
            ArgumentAssert.Throws<ArgumentOutOfRangeException>("initialRate", () => schedule.RateFor(0, initialRate, float.NaN));
        }
    }

    [Fact]
    public void Fit_reports_the_scheduled_rate_of_every_epoch()
    {
        float[] features = OptimizerSetups.Values(40 * 3, seed: 1), targets = OptimizerSetups.Values(40, seed: 2);
        var data = new Dataset(features, 3, targets, 1);
        var adam = new Adam(0.02f);
        using var trainer = new Trainer(Network.Create([3, 5, 1], Activation.Tanh, Activation.Identity, seed: 1), Loss.MeanSquaredError, adam, maxBatch: 10, maxDegreeOfParallelism: 1);
        FitResult result = trainer.Fit(data, new FitOptions { Epochs = 5, BatchSize = 10, LearningRateSchedule = new ExponentialDecay(0.5f) });
        Assert.Equal([0.02f, 0.01f, 0.005f, 0.0025f, 0.00125f], result.History.Select(r => r.LearningRate));
        Assert.Equal(0.00125f, adam.LearningRate);
        Assert.Equal(20, adam.StepCount);
    }

    private static ILearningRateSchedule Create(string name) => name switch
    {
        "StepDecay" => new StepDecay(2, 0.5f),
        "ExponentialDecay" => new ExponentialDecay(0.9f),
        "InverseScaling" => new InverseScaling(),
        _ => new ReduceOnPlateau(),
    };

    /// <summary>Asks for epochs 0, 1, ... with the given monitored losses and checks every answer exactly.</summary>
    private static void AssertRates(ReduceOnPlateau schedule, float initialRate, float[] losses, float[] want)
    {
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            float rate = schedule.RateFor(epoch, initialRate, losses[epoch]);
            Assert.True(rate == want[epoch], $"Epoch {epoch} (monitored loss {losses[epoch]}): rate {rate}, expected {want[epoch]}.");
        }
    }

    /// <summary>Within 2 ulps of float (2^-23 relative).</summary>
    private static void AssertClose(double want, float got)
    {
        Assert.True(Math.Abs(got - want) <= Math.ScaleB(Math.Abs(want), -22), $"Got {got:R}, expected {want:R}.");
    }
}
