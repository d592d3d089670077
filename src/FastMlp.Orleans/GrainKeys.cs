// Grain keys: a worker is "{job}/{generation}/{rank}", the all-reduce of a generation "{job}/{generation}".
// A new generation (after a recovery) gets new grains, so nothing of a failed generation's state, or of a
// stale activation, can leak into the next.
using System.Globalization;

namespace FastMlp.Orleans;

internal static class GrainKeys
{
    public static string Worker(string job, int generation, int rank) => string.Create(CultureInfo.InvariantCulture, $"{job}/{generation}/{rank}");

    public static string Reducer(string job, int generation) => string.Create(CultureInfo.InvariantCulture, $"{job}/{generation}");

    /// <summary>The rank in a worker's key; 0 for the all-reduce's (it lives with rank 0).</summary>
    public static int Rank(string key)
    {
        int slash = key.LastIndexOf('/');
        int first = key.IndexOf('/');
        return slash > first && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int rank) ? rank : 0;
    }
}
