// FitHoldTests: a Fit holds its trainer (issue 14 review). While it runs, Step and the setters of the trainer's options
// (clipping, dropout rates and seed) throw InvalidOperationException, from its own Progress callback as from anywhere,
// and Evaluate still works; a Fit refused for any reason (bad dropout rates, a Step running) leaves the trainer's own
// options as they were; a Fit with its own dropout rates allocates the saved layer outputs for them and nothing more.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training;

public sealed class FitHoldTests
{
    [Fact]
    public void Inside_a_fit_Step_and_the_option_setters_throw_and_Evaluate_works()
    {
        Dataset data = FitTestData.Blobs(64, seed: 4);
        Network network = Network.Create([data.FeatureCount, 16, data.TargetCount], Activation.Relu, Activation.Softmax, seed: 9);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), 16, 1) { ClipGradientNorm = 3f, DropoutRates = [0.25f], DropoutSeed = 5 };
        var thrown = new List<string>();
        int reports = 0;
        var progress = new SyncProgress<EpochReport>(_ =>
        {
            reports++;
            foreach ((string name, Action set) in new (string, Action)[]
            {
                ("DropoutRates", () => trainer.DropoutRates = [0.5f]),
                ("DropoutSeed", () => trainer.DropoutSeed = 1),
                ("ClipGradientNorm", () => trainer.ClipGradientNorm = 1f),
                ("ClipGradientValue", () => trainer.ClipGradientValue = 1f),
                ("Step", () => trainer.Step(data.Features[..(2 * data.FeatureCount)], data.Targets[..(2 * data.TargetCount)])),
            })
            {
                if (Record.Exception(set) is InvalidOperationException)
                {
                    thrown.Add(name);
                }
            }

            Assert.True(float.IsFinite(trainer.Evaluate(data).Loss));
        });
        trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, Progress = progress });
        Assert.Equal(2, reports);
        Assert.Equal(2 * 5, thrown.Count);
        Assert.Equal((float?)3f, trainer.ClipGradientNorm);
        Assert.Null(trainer.ClipGradientValue);
        Assert.Equal([0.25f], trainer.DropoutRates);
        Assert.Equal(5, trainer.DropoutSeed);
        trainer.DropoutRates = [0.5f];   // after the fit they work
        trainer.ClipGradientNorm = 1f;
        Assert.Equal([0.5f], trainer.DropoutRates);
    }

    [Fact]
    public void A_fit_refused_for_its_dropout_rates_leaves_the_trainers_options_as_they_were()
    {
        Network network = Network.Create([20, 8, 10], Activation.Relu, Activation.Softmax, seed: 1);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 8, 1) { ClipGradientNorm = 5f };
        var data = Dataset.ForClassification(new float[8 * 20], 20, [.. Enumerable.Range(0, 8)], 10);
        Assert.Throws<ArgumentOutOfRangeException>("options", () => trainer.Fit(data, new FitOptions { BatchSize = 8, ClipGradientNorm = 1f, ClipGradientValue = 2f, DropoutRates = [1f] }));
        Assert.Throws<ArgumentException>("options", () => trainer.Fit(data, new FitOptions { BatchSize = 8, ClipGradientNorm = 1f, DropoutRates = [0.5f, 0.5f] }));
        Assert.Equal((float?)5f, trainer.ClipGradientNorm);
        Assert.Null(trainer.ClipGradientValue);
        Assert.Empty(trainer.DropoutRates);
        trainer.ClipGradientNorm = 2f;   // the trainer is not left held
    }

    [Fact]
    public void A_fit_refused_because_a_step_is_running_leaves_the_trainers_options_as_they_were()
    {
        Network network = Network.Create([20, 8, 10], Activation.Relu, Activation.Softmax, seed: 1);
        Trainer? trainer = null;
        var data = Dataset.ForClassification(new float[8 * 20], 20, [.. Enumerable.Range(0, 8)], 10);
        Exception? inner = null;
        var optimizer = new CallbackOptimizer(() => inner = Record.Exception(() => trainer!.Fit(data, new FitOptions { BatchSize = 8, ClipGradientNorm = 1f, DropoutRates = [0.5f] })));
        using (trainer = new Trainer(network, Loss.CrossEntropy, optimizer, 8, 1))
        {
            float[] targets = new float[80];
            targets[3] = 1;
            trainer.Step(new float[160], targets);
            Assert.IsType<InvalidOperationException>(inner);
            Assert.Null(trainer.ClipGradientNorm);
            Assert.Empty(trainer.DropoutRates);
            trainer.Step(new float[160], targets);   // and it still steps: nothing was left held
        }
    }

    [Fact]
    public void A_fit_with_its_own_dropout_rates_allocates_their_saved_outputs_and_nothing_more()
    {
        Dataset data = FitTestData.Blobs(256, seed: 4);
        Network network = Network.Create([data.FeatureCount, 256, 256, data.TargetCount], Activation.Relu, Activation.Softmax, seed: 9);
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.01f), 64, 1);
        var plain = new FitOptions { Epochs = 1, BatchSize = 64 };
        var dropping = new FitOptions { Epochs = 1, BatchSize = 64, DropoutRates = [0.5f, 0.5f] };
        for (int warm = 0; warm < 2; warm++)
        {
            trainer.Fit(data, plain);
            trainer.Fit(data, dropping);
        }

        long without = AllocationProbe.OnThisThread(() => trainer.Fit(data, plain), calls: 1).Bytes;
        long with = AllocationProbe.OnThisThread(() => trainer.Fit(data, dropping), calls: 1).Bytes;
        const long Saved = 2L * 64 * 256 * sizeof(float);   // the two hidden layers' outputs before dropout, at MaxBatch
        Assert.True(with - without >= Saved && with - without <= Saved + 1024, $"Fit without dropout {without} B, with FitOptions.DropoutRates {with} B: {with - without} B more, the saved outputs being {Saved} B");
    }


    private sealed class CallbackOptimizer(Action during) : IOptimizer
    {
        public void Step(ReadOnlySpan<float> gradients, Span<float> parameters) => during();
    }
}
