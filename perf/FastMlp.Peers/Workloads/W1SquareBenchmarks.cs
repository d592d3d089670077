using BenchmarkDotNet.Attributes;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>W1: C = A·B for square N×N fp32 matrices, row-major, β = 0, every W1 system (<see cref="GemmBenchmarks"/>).</summary>
[PeerGroup("W1", "W1 SGEMM, square")]
public class W1SquareBenchmarks : GemmBenchmarks, IPeerBenchmark
{
    [Params(32, 64, 128, 256, 512, 1024, 2048)]
    public int N { get; set; }

    protected override GemmShape Shape => GemmShape.Square(N);

    public static double WorkPerOperation(Func<string, object?> parameter) => GemmShape.Square((int)parameter(nameof(N))!).Flops;

    public static bool InQuickRun(Func<string, object?> parameter) => parameter(nameof(N)) is 64 or 256 or 1024;
}
