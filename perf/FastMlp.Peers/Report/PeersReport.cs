using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Report;

/// <summary>peers.md and the charts from one run (to be written).</summary>
internal static class PeersReport
{
    public static IEnumerable<string> Write(RunRecord run, string directory)
    {
        string path = Path.Combine(directory, "peers.md");
        File.WriteAllText(path, $"# Peers\n\n{run.Cases.Count} cases\n");
        return [path];
    }
}
