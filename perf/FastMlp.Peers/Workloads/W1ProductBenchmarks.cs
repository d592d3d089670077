using BenchmarkDotNet.Attributes;

using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W1, the MLP's own products: the GEMMs a training step of the 784-256-128-10 network makes, at batch 1, 32 and
/// 1024, with 1 and 2 threads, for every W1 system (<see cref="GemmBenchmarks"/>). Per layer in→out:
/// forward Z = X·W is NN (M = B, N = out, K = in), weight gradient dW = Xᵀ·dZ is TN (M = in, N = out, K = B), input
/// gradient dX = dZ·Wᵀ is NT (M = B, N = in, K = out), the last only for layers 2 and 3 (no gradient of the
/// network's input is computed): 8 products per batch, 24 in all.
/// </summary>
[PeerGroup("W1", "W1 SGEMM, the MLP's products")]
public class W1ProductBenchmarks : GemmBenchmarks, IPeerBenchmark
{
    [ParamsSource(nameof(Shapes))]
    public GemmShape Product { get; set; } = GemmShape.Square(1);

    protected override GemmShape Shape => Product;

    public static IEnumerable<GemmShape> Shapes()
    {
        int[] layers = NetworkData.MnistShaped;
        foreach (int batch in (int[])[1, 32, 1024])
        {
            for (int l = 1; l < layers.Length; l++)
            {
                (int inputs, int outputs) = (layers[l - 1], layers[l]);
                string layer = $"{inputs}→{outputs}";
                yield return new GemmShape($"B{batch} NN {layer}", batch, outputs, inputs, false, false);
                yield return new GemmShape($"B{batch} TN {layer}", inputs, outputs, batch, true, false);
                if (l > 1)
                {
                    yield return new GemmShape($"B{batch} NT {layer}", batch, inputs, outputs, false, true);
                }
            }
        }
    }

    public static double WorkPerOperation(Func<string, object?> parameter) => ((GemmShape)parameter(nameof(Product))!).Flops;

    public static bool InQuickRun(Func<string, object?> parameter) => ((GemmShape)parameter(nameof(Product))!).Name.StartsWith("B32 ", StringComparison.Ordinal);
}
