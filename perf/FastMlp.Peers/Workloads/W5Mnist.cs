using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Workloads;

/// <summary>W5 MNIST: FastMlp and TorchSharp training loops on the bundled digits (to be written).</summary>
internal static class W5Mnist
{
    public static List<MnistRow> Measure(RunMode mode) => mode == RunMode.Dry ? [] : [];
}
