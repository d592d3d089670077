// Workspaces created, used once and dropped without Dispose, as a careless caller would: the GC must see
// their memory and reclaim it, so the process stays bounded. Each workspace holds about 1.6 MB; the peak
// resident set over the run may exceed the one before it by at most 256 MiB (500 of them are 800 MB).
namespace FastMlp.Probe;

internal static class UndisposedWorkspaces
{
    private const long Bound = 256L << 20;

    public static string Run(int count)
    {
        Network network = Network.Create([64, 400, 10], Activation.Relu, Activation.Softmax, seed: 4);
        const int batch = 1_000;   // 1,000 × (400 + 10) floats ≈ 1.64 MB per workspace
        float[] inputs = new float[batch * network.InputSize], outputs = new float[batch * network.OutputSize];
        Use(network, inputs, outputs);
        long before = Environment.WorkingSet, peak = before;
        int collections = GC.CollectionCount(2);
        for (int i = 0; i < count; i++)
        {
            Use(network, inputs, outputs);
            peak = Math.Max(peak, Environment.WorkingSet);
        }

        collections = GC.CollectionCount(2) - collections;
        ProbeFailedException.ThrowUnless(peak - before <= Bound, $"{count} undisposed workspaces grew the resident set from {before >> 20} MiB to {peak >> 20} MiB ({collections} full collections)");
        return $"{count} undisposed workspaces of 1.6 MB: resident set {before >> 20} MiB before, {peak >> 20} MiB at most ({collections} full collections)";

        static void Use(Network network, float[] inputs, float[] outputs) =>
            network.Predict(inputs, outputs, network.CreateWorkspace(batch, maxDegreeOfParallelism: 1));
    }
}
