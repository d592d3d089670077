using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;
using FastMlp.Serve;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W3 served over HTTP: samples/FastMlp.Serve's service (the same Kestrel host, request parsing, checks and JSON
/// answer: <see cref="ServeApp"/>, PredictEndpoint) twice in this process on loopback, once with the sample's own
/// backend (the W3 network saved to a model file behind the DI package's ModelPredictor and its Predictor,
/// <see cref="PredictorBackend"/>) and once with ONNX Runtime behind the endpoint (<see cref="OnnxServeBackend"/>);
/// one thread per request in both. Requests are batch 1: one 784-float row of <see cref="Rows"/> seeded rows
/// (NetworkData.Inputs), as a binary body and as a JSON body. Before timing each server answers every row in both
/// bodies once and must agree with FastMlp's Network.Predict (<see cref="InferenceOperands.Tolerance"/>); the bytes
/// of those answers are then what every timed answer must equal (both backends are deterministic), or the request
/// counts as failed. Each server is warmed up at 64 clients, then per body and client count (1, 8, 64) the two
/// servers take turns in short bounded rounds (<see cref="LoadGenerator"/>; round r starts with server r modulo 2),
/// so a stretch of machine load falls on both. A server that did not load or disagreed is a row saying so, untimed.
/// </summary>
internal static class W3Serve
{
    /// <summary>Distinct request rows (request n sends row n modulo this).</summary>
    public const int Rows = 16;

    /// <summary>The most rows one request may hold, on both servers (the sample's default FastMlp:MaxBatch).</summary>
    private const int MaxBatch = 64;

    private static readonly int[] s_clients = [1, 8, 64];

    private static readonly Body[] s_bodies = [new("binary", "application/octet-stream"), new("JSON", "application/json")];

    public static List<ServeRow> Measure(RunMode mode) => MeasureAsync(mode).GetAwaiter().GetResult();

    private static async Task<List<ServeRow>> MeasureAsync(RunMode mode)
    {
        Plan plan = mode switch
        {
            RunMode.Full => new Plan(Rounds: 10, RoundRequests: 20_000, RoundSeconds: 1.0, WarmupSecondsPerBody: 1.0),
            RunMode.Quick => new Plan(Rounds: 3, RoundRequests: 10_000, RoundSeconds: 0.5, WarmupSecondsPerBody: 0.5),
            // A handful of requests per cell, every answer still checked; the duration is only a cap.
            _ => new Plan(Rounds: 1, RoundRequests: 8, RoundSeconds: 30, WarmupSecondsPerBody: 0),
        };

        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        float[] inputs = NetworkData.Inputs(Rows, network.InputSize);
        float[] expected = new float[Rows * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(Rows, maxDegreeOfParallelism: 1))
        {
            network.Predict(inputs, expected, workspace);
        }

        byte[][][] bodies = [.. s_bodies.Select(b => Enumerable.Range(0, Rows).Select(r => Encode(b, inputs.AsSpan(r * network.InputSize, network.InputSize))).ToArray())];
        string folder = Directory.CreateTempSubdirectory("fastmlp-peers-serve-").FullName;
        string modelPath = Path.Combine(folder, "w3.safetensors");
        network.Save(modelPath);
        string[] settings = [$"--contentRoot={folder}", $"--FastMlp:ModelPath={modelPath}", $"--FastMlp:MaxBatch={MaxBatch}"];

        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        var servers = new List<Server>();
        OnnxServeBackend? onnx = null;
        try
        {
            Console.Error.WriteLine("W3 serving: starting FastMlp.Serve with its Predictor and with ONNX Runtime behind the endpoint...");
            servers.Add(new Server(Systems.Predictor, await ServeHost.Start(settings, PredictorBackend.Register)));
            if (OnnxPeer.Info is { Loaded: false } peer)
            {
                statuses[Systems.OrtRun] = $"not loaded: {peer.Detail}";
            }
            else
            {
                try
                {
                    onnx = new OnnxServeBackend(network, MaxBatch);
                    servers.Add(new Server(Systems.OrtRun, await ServeHost.Start(settings, b => b.Services.AddSingleton<IRowModelSource>(onnx))));
                }
                catch (Exception e) when (e is OnnxRuntimeException or ExternalException or InvalidOperationException)
                {
                    statuses[Systems.OrtRun] = $"failed: {e.GetType().Name}: {e.Message}";
                }
            }

            foreach (Server server in servers.ToArray())
            {
                if (await server.Check(bodies, expected, network.OutputSize) is { } problem)
                {
                    statuses[server.System] = problem;
                    servers.Remove(server);
                    await server.Host.DisposeAsync();
                }
            }

            if (plan.WarmupSecondsPerBody > 0)
            {
                foreach (Server server in servers)
                {
                    for (int body = 0; body < s_bodies.Length; body++)
                    {
                        LoadResult warm = await LoadGenerator.Run(64, int.MaxValue / 2, TimeSpan.FromSeconds(plan.WarmupSecondsPerBody), n => server.Send(body, n), TimeProvider.System);
                        server.Failed += warm.Failed;
                    }
                }
            }

            var rows = new List<ServeRow>();
            for (int body = 0; body < s_bodies.Length; body++)
            {
                foreach (int clients in s_clients)
                {
                    var rounds = servers.ToDictionary(s => s.System, _ => new List<LoadResult>(), StringComparer.Ordinal);
                    for (int round = 0; round < plan.Rounds; round++)
                    {
                        for (int i = 0; i < servers.Count; i++)
                        {
                            Server server = servers[(round + i) % servers.Count];
                            rounds[server.System].Add(await LoadGenerator.Run(clients, plan.RoundRequests, TimeSpan.FromSeconds(plan.RoundSeconds), n => server.Send(body, n), TimeProvider.System));
                        }
                    }

                    foreach (string system in (string[])[Systems.Predictor, Systems.OrtRun])
                    {
                        ServeRow row = rounds.TryGetValue(system, out List<LoadResult>? results)
                            ? Row(system, s_bodies[body].Name, clients, LoadResult.Combine(results), servers.First(s => s.System == system).Failed)
                            : new ServeRow(system, s_bodies[body].Name, clients, 0, double.NaN, double.NaN, double.NaN, double.NaN, 0, statuses[system], Process());
                        Console.Error.WriteLine(row.Status == "ok"
                            ? string.Create(CultureInfo.InvariantCulture,
                                $"  {Systems.Display(row.System),-26} {row.Body,-6} {clients,2} clients: {row.RequestsPerSecond,8:F0} requests/s  p50 {row.P50Us,8:F1} µs  p99 {row.P99Us,8:F1} µs  ({row.Requests:N0} requests)")
                            : $"  {Systems.Display(row.System),-26} {row.Body,-6} {clients,2} clients: {row.Status}");
                        rows.Add(row);
                    }
                }
            }

            return rows;
        }
        finally
        {
            foreach (Server server in servers)
            {
                await server.Host.DisposeAsync();
            }

            onnx?.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <param name="warmupFailed">Wrong answers in the server's warm-up: they fail its rows too.</param>
    private static ServeRow Row(string system, string body, int clients, LoadResult result, int warmupFailed)
    {
        int failed = result.Failed + warmupFailed;
        string status = failed == 0 ? "ok" : $"failed: {failed} answers (of {result.Requests:N0} timed, plus the warm-up) were not a 200 with the answer checked before timing";
        return new ServeRow(system, body, clients, result.Requests, result.Seconds, result.RequestsPerSecond, result.P50Us, result.P99Us, failed, status, Process());
    }

    /// <summary>"workstation GC, non-concurrent, tiered compilation off": what this process runs with, as the runtime reports it.</summary>
    private static string Process()
    {
        bool concurrent = AppContext.GetData("System.GC.Concurrent") is not string c || bool.Parse(c);
        bool tiered = AppContext.GetData("System.Runtime.TieredCompilation") is not string t || bool.Parse(t);
        return $"{(GCSettings.IsServerGC ? "Server" : "workstation")} GC, {(concurrent ? "concurrent" : "non-concurrent")}, tiered compilation {(tiered ? "on" : "off")}";
    }

    /// <summary>One row as a request body: little-endian float32s, or {"inputs": [...]} with each float's shortest round-trip text.</summary>
    private static byte[] Encode(Body body, ReadOnlySpan<float> row)
    {
        if (body.ContentType == "application/octet-stream")
        {
            byte[] bytes = new byte[row.Length * sizeof(float)];
            for (int i = 0; i < row.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), row[i]);
            }

            return bytes;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new { inputs = row.ToArray() });
    }

    /// <param name="Rounds">Rounds per server and cell (body × clients), the servers alternating.</param>
    /// <param name="RoundRequests">The request count that ends a round.</param>
    /// <param name="RoundSeconds">The duration that ends a round, if the count has not.</param>
    /// <param name="WarmupSecondsPerBody">Untimed load at 64 clients per server and body before any timing.</param>
    private sealed record Plan(int Rounds, int RoundRequests, double RoundSeconds, double WarmupSecondsPerBody);

    private sealed record Body(string Name, string ContentType);

    /// <summary>A running server, and the answers it gave to each body and row when it was checked.</summary>
    private sealed class Server(string system, ServeHost host)
    {
        private byte[][][] _bodies = [];
        private byte[][][] _answers = [];

        public string System { get; } = system;

        public ServeHost Host { get; } = host;

        /// <summary>Wrong answers during the warm-up.</summary>
        public int Failed { get; set; }

        /// <summary>Sends every row in every body once; null when each answer agrees with FastMlp's, else why not.</summary>
        public async Task<string?> Check(byte[][][] bodies, float[] expected, int outputs)
        {
            _bodies = bodies;
            _answers = [.. bodies.Select(b => new byte[b.Length][])];
            for (int body = 0; body < bodies.Length; body++)
            {
                for (int row = 0; row < Rows; row++)
                {
                    using HttpResponseMessage response = await Post(body, row);
                    byte[] answer = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        return $"failed: {Systems.Display(System)} behind the endpoint answered row {row} ({s_bodies[body].Name}) with {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}";
                    }

                    using JsonDocument json = JsonDocument.Parse(answer);
                    float[] got = [.. json.RootElement.GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle())];
                    if (Agreement.Compare(expected.AsSpan(row * outputs, outputs), got, InferenceOperands.Tolerance) is { } problem)
                    {
                        return $"mismatch: {Systems.Display(System)} behind the endpoint disagrees with FastMlp on row {row}'s probabilities ({s_bodies[body].Name} body): {problem}";
                    }

                    _answers[body][row] = answer;
                }
            }

            return null;
        }

        /// <summary>Request n of a load: row n modulo <see cref="Rows"/>; right when it is a 200 with that row's checked answer.</summary>
        public async Task<bool> Send(int body, int n)
        {
            int row = n % Rows;
            using HttpResponseMessage response = await Post(body, row).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK && answer.AsSpan().SequenceEqual(_answers[body][row]);
        }

        private async Task<HttpResponseMessage> Post(int body, int row)
        {
            using var content = new ByteArrayContent(_bodies[body][row]);
            content.Headers.ContentType = new MediaTypeHeaderValue(s_bodies[body].ContentType);
            return await Host.Client.PostAsync(new Uri("/predict", UriKind.Relative), content).ConfigureAwait(false);
        }
    }
}
