// ColdStart.Driver (perf/coldstart.sh runs it; README "Cold start"):
//   models DIR                        writes DIR/w3.fastmlp and DIR/w3.onnx, the W3 network (784-256-128-10,
//                                     ReLU, Softmax, seed 0) as FastMlp's model file and as ONNX with the same weights
//   measure VARIANTS OUT PROCESSES WARMUP_MS COMMIT COMMAND...
//                                     spawns every variant of the VARIANTS file PROCESSES times, alternating them
//                                     (round r starts at variant r, after one untimed round that warms the page cache
//                                     and proves each variant runs), and writes OUT/coldstart.md (the report, headed by
//                                     COMMAND, the command line that produced it) and OUT/coldstart.csv (every process)
using FastMlp;
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.ColdStart;
using FastMlp.Peers.Peers;

switch (args)
{
    case ["models", string directory]:
        Directory.CreateDirectory(directory);
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        network.Save(Path.Combine(directory, "w3.fastmlp"));
        File.WriteAllBytes(Path.Combine(directory, "w3.onnx"), OnnxModelWriter.Write(network));
        return 0;
    case ["measure", string variantsFile, string outDirectory, string processes, string warmupMs, string commit, .. string[] command]:
        IReadOnlyList<Variant> variants = Variant.ReadAll(variantsFile);
        IReadOnlyList<Spawn> spawns = Spawner.Alternate(variants, int.Parse(processes, System.Globalization.CultureInfo.InvariantCulture), warmupMs);
        ColdStartReport.Write(outDirectory, commit, string.Join(' ', command), warmupMs, variants, spawns);
        return spawns.Any(s => s.Error is not null) ? 1 : 0;
    default:
        Console.Error.WriteLine("usage: models DIR | measure VARIANTS OUT PROCESSES WARMUP_MS COMMIT COMMAND...");
        return 2;
}
