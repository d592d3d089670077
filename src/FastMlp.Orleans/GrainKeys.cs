// Grain keys: a worker is "{job}/{generation}/{rank}", the all-reduce of bucket b of a generation (another grain
// type, so the keys may coincide) "{job}/{generation}/{b}". Placement reads the last number (RankPlacement.cs).
// A new generation (after a recovery) gets new grains, so nothing of a failed generation's state, or of a
// stale activation, can leak into the next.
using System.Globalization;

namespace FastMlp.Orleans;

internal static class GrainKeys
{
    public static string Worker(string job, int generation, int rank) => string.Create(CultureInfo.InvariantCulture, $"{job}/{generation}/{rank}");

    public static string Reducer(string job, int generation, int bucket) => string.Create(CultureInfo.InvariantCulture, $"{job}/{generation}/{bucket}");

    /// <summary>The all-reduce buckets of a gradient of <paramref name="parameters"/> floats, ⌈parameters / bucketSize⌉.</summary>
    public static int Buckets(int parameters, int bucketSize) => (int)(((long)parameters + bucketSize - 1) / bucketSize);

    /// <summary>The rank in a worker's key, the bucket in an all-reduce's; 0 for a key without one.</summary>
    public static int Rank(string key)
    {
        int slash = key.LastIndexOf('/');
        int first = key.IndexOf('/');
        return slash > first && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int rank) ? rank : 0;
    }
}
