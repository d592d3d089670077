// ServeTests: samples/FastMlp.Serve in process. Concurrent JSON and binary requests get exactly what
// Network.Predict gives; every bad request (malformed JSON, a wrong length, too many rows, a non-finite value,
// a binary body that is not whole floats) is a 400 with a message; a model file replaced under load loses no
// request and mixes no answers: each is exactly the old model's or the new one's.
using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using FastMlp.Extensions.DependencyInjection;

using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FastMlp.Serve.Tests;

public sealed class ServeTests : IDisposable
{
    private const int InputSize = 8, OutputSize = 10;
    private readonly string _folder = Directory.CreateTempSubdirectory("fastmlp-serve-").FullName;
    private readonly string _model;
    private readonly WebApplicationFactory<Program> _factory;

    public ServeTests()
    {
        _model = Path.Combine(_folder, "model.safetensors");
        Network.Create([InputSize, 6, OutputSize], Activation.Relu, Activation.Softmax, seed: 1).Save(_model);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("FastMlp:ModelPath", _model);
            b.UseSetting("FastMlp:MaxBatch", "4");
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Concurrent_json_and_binary_requests_get_the_networks_answers()
    {
        using HttpClient client = _factory.CreateClient();
        float[] want = Expected(Network.Load(_model), Row(0), 1);
        var requests = Enumerable.Range(0, 64).Select(async i =>
        {
            using HttpResponseMessage response = i % 2 == 0
                ? await client.PostAsJsonAsync("/predict", new { inputs = Row(0) })
                : await client.PostAsync("/predict", Binary(Row(0)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string body = await response.Content.ReadAsStringAsync();
            using JsonDocument json = JsonDocument.Parse(body);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(want), json.RootElement.GetProperty("classes")[0].GetInt32());
            return json.RootElement.GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        });
        foreach (float[] got in await Task.WhenAll(requests))
        {
            Assert.Equal(want, got);
        }
    }

    [Theory]
    [InlineData("{\"inputs\": [1, 2", "malformed JSON")]
    [InlineData("[1, 2, 3]", "must be an object")]
    [InlineData("{\"inputs\": [1, 2, 3]}", "not a whole number of rows of 8")]
    [InlineData("{\"inputs\": []}", "not a whole number of rows")]
    [InlineData("{\"inputs\": [1, 2, 3, 4, 5, 6, 7, \"x\"]}", "inputs[7]")]
    [InlineData("{\"inputs\": [1, 2, 3, 4, 5, 6, 7, 1e39]}", "must be finite")]
    public async Task Bad_json_is_a_400_with_the_reason(string body, string reason)
    {
        using HttpClient client = _factory.CreateClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await client.PostAsync("/predict", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_binary_bodies_and_too_many_rows_are_400s()
    {
        using HttpClient client = _factory.CreateClient();
        using (var ragged = new ByteArrayContent(new byte[10]))
        {
            ragged.Headers.ContentType = new("application/octet-stream");
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/predict", ragged)).StatusCode);
        }

        float[] nan = Row(0);
        nan[3] = float.NaN;
        using HttpResponseMessage notFinite = await client.PostAsync("/predict", Binary(nan));
        Assert.Equal(HttpStatusCode.BadRequest, notFinite.StatusCode);
        Assert.Contains("finite", await notFinite.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpResponseMessage tooMany = await client.PostAsync("/predict", Binary([.. Enumerable.Range(0, 5).SelectMany(Row)]));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 4", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_replaced_under_load_loses_no_request_and_mixes_no_answers()
    {
        using HttpClient client = _factory.CreateClient();
        float[] first = Expected(Network.Load(_model), Row(0), 1);
        Network next = Network.Create([InputSize, 6, OutputSize], Activation.Relu, Activation.Softmax, seed: 2);
        float[] second = Expected(next, Row(0), 1);
        int answeredFirst = 0, answeredSecond = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await client.PostAsync("/predict", Binary(Row(0)));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                float[] got = await Outputs(response);
                if (got.AsSpan().SequenceEqual(second))
                {
                    Interlocked.Increment(ref answeredSecond);
                }
                else
                {
                    Assert.Equal(first, got);
                    Interlocked.Increment(ref answeredFirst);
                }
            }
        }).ToArray();

        // The model is loaded on the first request: replace the file only once the old model has answered.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref answeredFirst) == 0 && warmUp.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5);
        }

        string staged = Path.Combine(_folder, "next.safetensors");
        next.Save(staged);
        File.Move(staged, _model, overwrite: true);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref answeredSecond) < 200 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.True(answeredFirst > 0, "no request was answered before the reload.");
        Assert.True(answeredSecond >= 200, $"only {answeredSecond} requests were answered by the new model within 30 s.");

        using HttpResponseMessage health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_reload_that_changes_the_output_width_under_load_answers_every_request_whole_from_one_model()
    {
        // Reloads driven back to back (no file watcher) between a 10-output and a 3-output model, while clients
        // post: a request that saw one model's shape and the other's forward pass gets a 400 or a row of the
        // wrong width; every answer must be a 200 holding exactly one model's outputs and class.
        using WebApplicationFactory<Program> factory = _factory.WithWebHostBuilder(b => b.UseSetting("FastMlp:ReloadOnChange", "false"));
        using HttpClient client = factory.CreateClient();
        var model = factory.Services.GetRequiredKeyedService<ModelPredictor>(PredictorBackend.ModelName);
        string wide = Path.Combine(_folder, "wide.safetensors"), narrow = Path.Combine(_folder, "narrow.safetensors");
        File.Copy(_model, wide);
        Network.Create([InputSize, 6, 3], Activation.Relu, Activation.Softmax, seed: 2).Save(narrow);
        float[] wideAnswer = Expected(Network.Load(wide), Row(0), 1);
        float[] narrowAnswer = Expected(Network.Load(narrow), Row(0), 1);
        int answeredWide = 0, answeredNarrow = 0;
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        Task[] clients = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await client.PostAsync("/predict", Binary(Row(0)));
                string body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    problems.Enqueue($"{(int)response.StatusCode}: {body}");
                    continue;
                }

                using JsonDocument json = JsonDocument.Parse(body);
                float[] got = [.. json.RootElement.GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle())];
                float[] want = got.Length == wideAnswer.Length ? wideAnswer : narrowAnswer;
                int wantClass = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(want);
                if (!got.AsSpan().SequenceEqual(want) || json.RootElement.GetProperty("classes")[0].GetInt32() != wantClass)
                {
                    problems.Enqueue($"200 with a mixed answer: {body}");
                }

                Interlocked.Increment(ref got.Length == wideAnswer.Length ? ref answeredWide : ref answeredNarrow);
            }
        }))];

        // Swap until each model has answered plenty and the swaps have had time to land inside requests.
        int swaps = 0;
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while ((swaps < 1_000 || Volatile.Read(ref answeredWide) < 200 || Volatile.Read(ref answeredNarrow) < 200) && elapsed.Elapsed < TimeSpan.FromSeconds(20))
        {
            File.Copy(swaps % 2 == 0 ? narrow : wide, _model, overwrite: true);
            Assert.True(model.Reload(), model.LastReloadError);
            swaps++;
            await Task.Yield();
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.True(problems.IsEmpty, $"{problems.Count} of {answeredWide + answeredNarrow + problems.Count} requests over {swaps} swaps were not one model's whole answer; the first: {problems.FirstOrDefault()}");
        Assert.True(answeredWide > 0 && answeredNarrow > 0, $"answered by the 10-output model {answeredWide}, by the 3-output model {answeredNarrow}.");
    }

    [Fact]
    public void A_model_file_that_does_not_load_stops_the_service_at_startup()
    {
        // Not a running service whose first request gets a 500: the host fails to start, naming the file.
        string missing = Path.Combine(_folder, "missing.safetensors");
        using WebApplicationFactory<Program> factory = _factory.WithWebHostBuilder(b => b.UseSetting("FastMlp:ModelPath", missing));
        Exception e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("missing.safetensors", e.ToString(), StringComparison.Ordinal);
    }

    private static float[] Row(int seed) => [.. Enumerable.Range(0, InputSize).Select(i => ((i + seed) % 5) * 0.25f)];

    private static ByteArrayContent Binary(float[] values)
    {
        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }

    private static async Task<float[]> Outputs(HttpResponseMessage response)
    {
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle())];
    }

    private static float[] Expected(Network network, float[] inputs, int rows)
    {
        float[] y = new float[rows * network.OutputSize];
        using Workspace workspace = network.CreateWorkspace(rows);
        network.Predict(inputs, y, workspace);
        return y;
    }
}
