using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Tests;

/// <summary>
/// <see cref="DefaultJitEnvironment"/>: a child process gets the runtime's default JIT whatever its parent runs
/// with (tiered compilation and tiered PGO on, every other tiering knob at its default), and keeps the rest of
/// the parent's environment, the instruction-set knobs included, so it runs the same kernels as the parent.
/// </summary>
public sealed class DefaultJitEnvironmentTests
{
    [Fact]
    public void Inherited_tiering_knobs_are_replaced_by_the_defaults()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DOTNET_TieredCompilation"] = "0",
            ["COMPlus_TieredCompilation"] = "0",
            ["DOTNET_TieredPGO"] = "0",
            ["DOTNET_TC_QuickJitForLoops"] = "0",
            ["complus_tc_quickjit"] = "0",
            ["DOTNET_OSR_HitLimit"] = "1",
            ["DOTNET_ReadyToRun"] = "0",
            ["DOTNET_JitDisasm"] = "*",
            ["DOTNET_JitStdOutFile"] = "/tmp/jit.txt",
        };

        DefaultJitEnvironment.Apply(environment);

        Assert.Equal(
            [new("DOTNET_TieredCompilation", "1"), new("DOTNET_TieredPGO", "1")],
            environment.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_rest_of_the_environment_is_kept()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DOTNET_EnableAVX512F"] = "0",
            ["DOTNET_gcServer"] = "0",
            ["PATH"] = "/usr/bin",
            ["OPENBLAS_CORETYPE"] = "Haswell",
        };

        DefaultJitEnvironment.Apply(environment);

        Assert.Equal("0", environment["DOTNET_EnableAVX512F"]);
        Assert.Equal("0", environment["DOTNET_gcServer"]);
        Assert.Equal("/usr/bin", environment["PATH"]);
        Assert.Equal("Haswell", environment["OPENBLAS_CORETYPE"]);
        Assert.Equal(6, environment.Count);
    }
}
