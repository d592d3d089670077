// The FastMlp cluster sample (issue 17): data-parallel training on a local 2-silo Orleans cluster.
//   dotnet run -c Release --project samples/FastMlp.Cluster
// Starts two silos in this process on loopback (development clustering: the second joins the first, its
// primary), each with AddFastMlpTraining, and trains 784-128-10 ReLU/softmax with cross-entropy (SGD lr 0.05,
// momentum 0.9, global batch 64, 5 epochs, seed 0) on the bundled 8,000 digits over 2 worker grains, one per
// silo: each step both compute the gradients of their half of the batch, the all-reduce grain averages them and
// both replicas apply the same mean. An epoch line per EpochReport (the 2,000 test digits as validation), then
// the trained network's test accuracy. Every seed is fixed, so a run gives the same figures on the same machine.
// Nothing leaves loopback; the ports are free ones the system picks. The epoch line: EpochLine.cs.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

using FastMlp;
using FastMlp.Cluster;
using FastMlp.Orleans;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Orleans;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
long started = Stopwatch.GetTimestamp();
(Dataset train, Dataset test) = MnistSubset.Load();

IPEndPoint primary = new(IPAddress.Loopback, FreePort());
using IHost first = await StartSiloAsync(primary.Port, primary);
using IHost second = await StartSiloAsync(FreePort(), primary);
Console.WriteLine($"Cluster: 2 silos on loopback ({primary} the primary), {train.Count:N0} training and {test.Count:N0} test digits");

Network network = Network.Create([MnistSubset.FeatureCount, 128, MnistSubset.ClassCount], Activation.Relu, Activation.Softmax, seed: 0);
var options = new DataParallelOptions
{
    Workers = 2,
    Epochs = 5,
    BatchSize = 64,
    Optimizer = OptimizerSettings.Sgd(0.05f, momentum: 0.9f),
    Validation = test,
};
DataParallelResult result = await new DataParallelTrainer(first.Services.GetRequiredService<IGrainFactory>())
    .TrainAsync(network, train, options, new EpochLine(Console.Out));

using Predictor predictor = Predictor.Create(network);
var classes = new int[test.Count];
for (int i = 0; i < test.Count; i += predictor.MaxBatch)
{
    int count = Math.Min(predictor.MaxBatch, test.Count - i);
    predictor.PredictClasses(test.Features.Slice(i * test.FeatureCount, count * test.FeatureCount), classes.AsSpan(i, count));
}

int correct = classes.Where((c, i) => c == test.Labels[i]).Count();
Console.WriteLine($"Test accuracy: {correct * 100.0 / test.Count:F2}% ({correct:N0} of {test.Count:N0}) after {result.Steps} steps on {result.Workers} workers; {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s in all");
await second.StopAsync();
await first.StopAsync();
return 0;

// A silo on loopback: its silo port, a gateway port, and the primary silo every silo joins (development clustering).
static async Task<IHost> StartSiloAsync(int siloPort, IPEndPoint primary)
{
    HostApplicationBuilder builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Error);   // Orleans' start-up notes (server GC, its watchdog) are warnings
    builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, FreePort(), primary).AddFastMlpTraining());
    IHost host = builder.Build();
    await host.StartAsync();
    return host;
}

// A TCP port free on loopback now (the system's pick), so two runs, or a test cluster, never collide.
static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
