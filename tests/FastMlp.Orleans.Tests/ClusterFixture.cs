// Orleans' in-process test cluster with the training grains: 3 silos in this process, talking over
// loopback like separate machines would. Tests that stop a silo build their own (Cluster.StartAsync).
using FastMlp.Orleans;

using Orleans.TestingHost;

namespace FastMlp.Orleans.Tests;

public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A started cluster of <paramref name="silos"/> silos, each with AddFastMlpTraining.</summary>
    public static async Task<InProcessTestCluster> StartAsync(int silos)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) => silo.AddFastMlpTraining());
        InProcessTestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

[CollectionDefinition(nameof(SharedCluster))]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>;
