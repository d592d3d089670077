// Spreads a job's workers over the silos: rank r activates on the (r mod S)-th of the S compatible silos,
// ordered by address. The default placement may put every worker on one silo, which gives a data-parallel
// job one silo's cores and makes a silo's failure take all or none of it; round robin over ranks gives each
// silo its share. The all-reduce of bucket b goes where rank b goes, so the buckets of a large gradient are
// summed on different silos (each silo moves and adds its share, as in a reduce-scatter). Every silo of the cluster registers the director
// (SiloBuilderExtensions.AddFastMlpTraining).
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace FastMlp.Orleans;

internal sealed class RankPlacementStrategy : PlacementStrategy
{
    internal static readonly RankPlacementStrategy Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class RankPlacementAttribute() : PlacementAttribute(RankPlacementStrategy.Instance);

internal sealed class RankPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = context.GetCompatibleSilos(target);
        Array.Sort(silos, (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        int rank = GrainKeys.Rank(target.GrainIdentity.Key.ToString());
        return Task.FromResult(silos[rank % silos.Length]);
    }
}
