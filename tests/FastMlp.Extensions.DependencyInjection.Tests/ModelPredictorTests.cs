// ModelPredictorTests: a keyed predictor registered with AddFastMlpPredictor answers as the saved network does;
// a change to the model file swaps the new model in, and under load every answer is exactly the old model's or the
// new one's (no call lost, none mixed); a bad file on reload keeps the old model and the health check turns
// degraded with the reason; a missing file fails at resolve and the health check reports it unhealthy.
using FastMlp.Extensions.DependencyInjection;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMlp.Extensions.DependencyInjection.Tests;

public sealed class ModelPredictorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fastmlp-di-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_registered_predictor_answers_as_the_saved_network_and_reports_healthy()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        Network network = Save(path, seed: 1);
        using ServiceProvider services = Build(path, reload: false);

        var predictor = services.GetRequiredKeyedService<ModelPredictor>("digits");
        float[] inputs = Inputs(), got = new float[20], want = Expected(network, inputs);
        predictor.Predict(inputs, got);
        Assert.Equal(want, got);

        HealthReport health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("8 inputs, 10 outputs", health.Entries["fastmlp-digits"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_file_is_swapped_in_while_calls_run_and_every_answer_is_one_models()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        float[] inputs = Inputs();
        float[] first = Expected(Save(path, seed: 2), inputs);
        using ServiceProvider services = Build(path, reload: true);
        var predictor = services.GetRequiredKeyedService<ModelPredictor>("digits");

        string next = Path.Combine(_folder, "next.safetensors");
        float[] second = Expected(Save(next, seed: 3), inputs);
        Assert.NotEqual(first, second);

        int mixed = 0, failed = 0, answeredSecond = 0;
        using var stop = new CancellationTokenSource();
        // Threads of their own (LongRunning), so the busy callers leave the thread pool to the reload timer.
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            float[] y = new float[20];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    predictor.Predict(inputs, y);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }

                if (y.AsSpan().SequenceEqual(second))
                {
                    Interlocked.Increment(ref answeredSecond);
                }
                else if (!y.AsSpan().SequenceEqual(first))
                {
                    Interlocked.Increment(ref mixed);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        File.Move(next, path, overwrite: true);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref answeredSecond) < 1000 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);
        Assert.Equal(0, failed);
        Assert.Equal(0, mixed);
        Assert.True(answeredSecond >= 1000, $"the new model never served ({predictor.Reloads} reloads, last error {predictor.LastReloadError}).");
        Assert.Equal(1, predictor.Reloads);
    }

    [Fact]
    public void A_lease_keeps_its_model_through_a_reload_and_its_last_release_disposes_it()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        float[] inputs = Inputs();
        float[] first = Expected(Save(path, seed: 6), inputs);
        using ServiceProvider services = Build(path, reload: false);
        var model = services.GetRequiredKeyedService<ModelPredictor>("digits");

        PredictorLease lease = model.Acquire();
        Predictor leased = lease.Predictor;
        Network narrow = Network.Create([8, 6, 3], Activation.Relu, Activation.Softmax, seed: 7);
        narrow.Save(path);
        Assert.True(model.Reload(), model.LastReloadError);

        // The lease still answers with the first model and its shape; new calls get the new one.
        float[] y = new float[20];
        lease.Predictor.Predict(inputs, y);
        Assert.Equal(first, y);
        Assert.Equal((8, 10), (lease.Predictor.InputSize, lease.Predictor.OutputSize));
        Assert.Equal(3, model.OutputSize);
        using (PredictorLease current = model.Acquire())
        {
            Assert.Equal(3, current.Predictor.OutputSize);
        }

        // The last lease on the retired model disposes it; a second Dispose gives nothing back twice.
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => leased.Predict(inputs, y));
        Assert.Throws<ObjectDisposedException>(() => lease.Predictor);
        lease.Dispose();
        float[] z = new float[6];
        model.Predict(inputs, z);
        using Workspace workspace = narrow.CreateWorkspace(2);
        float[] want = new float[6];
        narrow.Predict(inputs, want, workspace);
        Assert.Equal(want, z);
    }

    [Fact]
    public void A_warm_call_and_a_lease_allocate_nothing()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        Save(path, seed: 8);
        using ServiceProvider services = Build(path, reload: false);
        var model = services.GetRequiredKeyedService<ModelPredictor>("digits");
        float[] inputs = Inputs(), y = new float[20];
        model.Predict(inputs, y);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            model.Predict(inputs, y);
            using PredictorLease lease = model.Acquire();
            lease.Predictor.Predict(inputs, y);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task A_bad_file_on_reload_keeps_the_old_model_and_degrades_the_health_check()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        float[] inputs = Inputs();
        float[] first = Expected(Save(path, seed: 4), inputs);
        using ServiceProvider services = Build(path, reload: false);
        var predictor = services.GetRequiredKeyedService<ModelPredictor>("digits");

        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        Assert.False(predictor.Reload());

        float[] y = new float[20];
        predictor.Predict(inputs, y);
        Assert.Equal(first, y);
        HealthReport health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("previous model still serves", health.Entries["fastmlp-digits"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_fails_at_resolve_and_the_health_check_is_unhealthy()
    {
        using ServiceProvider services = Build(Path.Combine(_folder, "absent.safetensors"), reload: false);
        Assert.ThrowsAny<IOException>(() => services.GetRequiredKeyedService<ModelPredictor>("digits"));
        HealthReport health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
    }

    [Fact]
    public void Disposing_the_container_retires_the_model()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        Save(path, seed: 5);
        ServiceProvider services = Build(path, reload: true);
        var predictor = services.GetRequiredKeyedService<ModelPredictor>("digits");
        services.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(Inputs(), new float[20]));
    }

    private static ServiceProvider Build(string path, bool reload)
    {
        var services = new ServiceCollection();
        services.AddFastMlpPredictor("digits", o =>
        {
            o.ModelPath = path;
            o.MaxBatch = 2;
            o.ReloadOnChange = reload;
            o.ReloadDelay = TimeSpan.FromMilliseconds(50);
        });
        services.AddHealthChecks().AddFastMlpPredictor("digits");
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));   // the health-check service logs
        return services.BuildServiceProvider();
    }

    private static Network Save(string path, int seed)
    {
        Network network = Network.Create([8, 6, 10], Activation.Relu, Activation.Softmax, seed);
        network.Save(path);
        return network;
    }

    private static float[] Expected(Network network, float[] inputs)
    {
        float[] y = new float[20];
        using Workspace workspace = network.CreateWorkspace(2);
        network.Predict(inputs, y, workspace);
        return y;
    }

    private static float[] Inputs() => [.. Enumerable.Range(0, 16).Select(i => (i % 5) * 0.25f)];
}
