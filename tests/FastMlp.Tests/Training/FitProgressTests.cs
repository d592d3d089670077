// FitProgressTests: IProgress reports and cancellation.
//   - One report per epoch, in order, on the fitting thread, the same objects as FitResult.History:
//     epoch numbers 1..n of n, finite metrics, positive samples/s, non-decreasing elapsed time.
//   - A token cancelled from the progress callback after epoch 2 makes Fit throw
//     OperationCanceledException before the first step of epoch 3: the parameters are those of epoch 2
//     (finite), and the network and the trainer still work (Predict, Evaluate, another Fit).
//   - A token cancelled before Fit throws before any step and leaves the parameters untouched.
namespace FastMlp.Tests.Training;

public sealed class FitProgressTests
{
    [Fact]
    public void Progress_gets_one_report_per_epoch_on_the_fitting_thread()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 10, maxDegreeOfParallelism: 1);
        int fittingThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();
        var recorder = new FitRecorder(network, _ => threads.Add(Environment.CurrentManagedThreadId));

        FitResult result = trainer.Fit(data, new FitOptions { Epochs = 5, BatchSize = 10, Progress = recorder });

        Assert.Equal(5, recorder.Reports.Count);
        Assert.Equal(result.History, recorder.Reports);
        Assert.All(threads, t => Assert.Equal(fittingThread, t));
        for (int e = 0; e < 5; e++)
        {
            EpochReport r = recorder.Reports[e];
            Assert.Equal(e + 1, r.Epoch);
            Assert.Equal(5, r.Epochs);
            Assert.True(float.IsFinite(r.Training.Loss) && r.Training.Loss > 0, $"epoch {r.Epoch}: loss {r.Training.Loss}");
            Assert.InRange(r.Training.Accuracy, 0f, 1f);
            Assert.True(float.IsNaN(r.Training.MeanAbsoluteError));
            Assert.Null(r.Validation);
            Assert.True(double.IsFinite(r.SamplesPerSecond) && r.SamplesPerSecond > 0, $"epoch {r.Epoch}: {r.SamplesPerSecond} samples/s");
            Assert.True(r.Elapsed > TimeSpan.Zero);
            if (e > 0)
            {
                Assert.True(r.Elapsed >= recorder.Reports[e - 1].Elapsed);
            }
        }
    }

    [Fact]
    public void Cancelling_from_the_progress_callback_stops_before_the_next_epoch_and_leaves_a_usable_network()
    {
        Dataset data = FitTestData.Blobs(30, seed: 2);
        Network network = FitTestData.Classifier();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 10, maxDegreeOfParallelism: 1);
        using var cancellation = new CancellationTokenSource();
        var recorder = new FitRecorder(network, r =>
        {
            if (r.Epoch == 2)
            {
                cancellation.Cancel();
            }
        });

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(data, new FitOptions { Epochs = 10, BatchSize = 10, Progress = recorder }, cancellation.Token));

        Assert.Equal(2, recorder.Reports.Count);
        Assert.Equal(recorder.Parameters[1], network.Parameters.ToArray());
        Assert.True(FitTestData.AllFinite(network.Parameters));

        using Workspace workspace = network.CreateWorkspace(30, 1);
        float[] outputs = new float[30 * FitTestData.Classes];
        network.Predict(data.Features, outputs, workspace);
        Assert.True(FitTestData.AllFinite(outputs));
        float before = trainer.Evaluate(data).Loss;
        trainer.Fit(data, new FitOptions { Epochs = 5, BatchSize = 10 });
        Assert.True(trainer.Evaluate(data).Loss < before);
    }

    [Fact]
    public void An_already_cancelled_token_throws_before_any_step()
    {
        Network network = FitTestData.Classifier();
        float[] initial = network.Parameters.ToArray();
        using var trainer = new Trainer(network, Loss.CrossEntropy, new Sgd(0.1f), 10, maxDegreeOfParallelism: 1);
        var recorder = new FitRecorder(network);

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(FitTestData.Blobs(30, seed: 2), new FitOptions { BatchSize = 10, Progress = recorder }, new CancellationToken(canceled: true)));

        Assert.Empty(recorder.Reports);
        Assert.Equal(initial, network.Parameters.ToArray());
    }
}
