// Issue 17's scaling measurement: data-parallel step time against worker count, in ONE process. Starts Orleans'
// in-process test clusters of 3 and of 2 silos (each silo with AddFastMlpTraining; the silos and the client talk
// over loopback sockets like separate machines) and measures, on the bundled MNIST digits, for W2
// (784-256-128-10) and a small 784-32-10 network (ReLU, softmax, cross-entropy, SGD lr 0.01) at global batches 64,
// 256 and 1024: jobs of 1, 2, 3 workers on the 3-silo cluster and 1, 2 on the 2-silo one (StepProgress: StepTime,
// ComputeTime, ReduceTime, GradientBytes per step; the bytes Orleans really sent: WireBytes.cs), beside Trainer.Step
// on the same global batch at 1 and 2 threads and the same algorithm on 2 threads without Orleans (ThreadsCase).
// Every case runs once to warm up, then once per round, the order rotating from round to round so the machine's
// drift spreads over all of them; each run drops its first --warmup steps. The report (ScalingReport.cs) gives per
// case the median and p90 over every measured step.
//   dotnet run -c Release --project perf/ClusterScaling -- [--rounds 5] [--steps 30] [--warmup 5] [--out FILE]
using System.Globalization;

using ClusterScaling;

using FastMlp;
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Orleans;

using Orleans.TestingHost;

const string Usage =
    "usage: dotnet run -c Release --project perf/ClusterScaling -- [--rounds 5] [--steps 30] [--warmup 5] [--out FILE]\n" +
    "  --rounds  measured rounds; each runs every case once (default 5)\n" +
    "  --steps   measured steps per case per round, at least 1 (default 30; steps that end an epoch are left out)\n" +
    "  --warmup  steps each run drops first (default 5)\n" +
    "  --out     also write the markdown report to this file";
int rounds = 5, steps = 30, warmup = 5;
string? output = null;
string? Apply(string name, string value)
{
    switch (name)
    {
        case "--out":
            output = value;
            return null;
        case "--rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out rounds) && rounds >= 1:
        case "--steps" when int.TryParse(value, CultureInfo.InvariantCulture, out steps) && steps >= 1:
        case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out warmup) && warmup >= 0:
            return null;
        default:
            return $"{name} needs a whole number (at least 1; --warmup at least 0); got '{value}'.";
    }
}

if (!HarnessArguments.TryApply(args, Usage, ["--rounds", "--steps", "--warmup", "--out"], Apply, out int exitCode))
{
    return exitCode;
}

HarnessReport.WarnIfDebugBuild();
using var wire = new WireBytes();
(Dataset train, _) = MnistSubset.Load();
string loadBefore = ScalingReport.LoadAverage();
await using InProcessTestCluster three = await StartAsync(3), two = await StartAsync(2);
if (wire.Instruments == 0)
{
    Console.Error.WriteLine("Orleans' orleans-messaging-sent-messages-size instrument was not found: the wire bytes will read 0.");
}

Model[] models = [new("W2", [784, 256, 128, 10]), new("small", [784, 32, 10])];
var cases = new List<ScalingCase>();
foreach (Model model in models)
{
    foreach (int batch in new[] { 64, 256, 1024 })
    {
        cases.Add(new LocalCase(model, batch, threads: 1));
        cases.Add(new LocalCase(model, batch, threads: 2));
        cases.Add(new ThreadsCase(model, batch, replicas: 2));
        cases.AddRange(Enumerable.Range(1, 3).Select(w => new ClusterCase(model, batch, three.Client, 3, w, wire)));
        cases.AddRange(Enumerable.Range(1, 2).Select(w => new ClusterCase(model, batch, two.Client, 2, w, wire)));
    }
}

for (int round = -1; round < rounds; round++)
{
    Console.Error.WriteLine(round < 0 ? $"Warm-up round: {cases.Count} cases..." : $"Round {round + 1}/{rounds}...");
    int offset = round < 0 ? 0 : round * cases.Count / rounds;
    for (int k = 0; k < cases.Count; k++)
    {
        await cases[(offset + k) % cases.Count].RunAsync(train, warmup, steps, round + 1, record: round >= 0);
    }
}

HarnessReport.Publish(ScalingReport.Format(cases, rounds, steps, warmup, loadBefore, ScalingReport.LoadAverage(), args), output);
return 0;

static async Task<InProcessTestCluster> StartAsync(int silos)
{
    var builder = new InProcessTestClusterBuilder((short)silos);
    builder.Options.ConfigureFileLogging = false;   // its default writes a logs/ folder into the current directory
    builder.ConfigureSilo((_, silo) => silo.AddFastMlpTraining());
    InProcessTestCluster cluster = builder.Build();
    await cluster.DeployAsync();
    return cluster;
}
