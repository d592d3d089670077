using Orleans.Hosting;

namespace FastMlp.Orleans;

/// <summary>Silo setup for data-parallel FastMlp training.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Registers what the training grains need on this silo (the placement that spreads a job's workers over the silos).
    /// Call it on every silo of the cluster; the grains themselves come with the assembly.
    /// </summary>
    public static ISiloBuilder AddFastMlpTraining(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPlacementDirector<RankPlacementStrategy, RankPlacementDirector>();
    }
}
