namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The environment of a child process that must run with the runtime's default JIT, as a user's application gets
/// it, whatever the suite itself runs with (its runtimeconfig turns tiered compilation off; a caller's shell may set
/// more): every inherited JIT tiering knob is removed, under either prefix and in any case, then tiered compilation
/// and tiered PGO are set on explicitly. An environment variable overrides the runtimeconfig.json property of the
/// same knob, which is what turns tiering back on in a child of the same executable. Everything else is kept, the
/// instruction-set knobs (DOTNET_EnableAVX512F, …) included, so the child runs the same kernels as its parent.
/// </summary>
internal static class DefaultJitEnvironment
{
    /// <summary>What the child is given: the runtime's own defaults, said explicitly.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Settings =
        [new("DOTNET_TieredCompilation", "1"), new("DOTNET_TieredPGO", "1")];

    /// <summary>
    /// Knob names (after DOTNET_ or COMPlus_) that change how or when methods are compiled: tiering and its call
    /// counting and quick JIT (TC_…), on-stack replacement, ReadyToRun code, and the JIT's dumps, which would also
    /// write into the stdout the parent reads.
    /// </summary>
    private static readonly string[] s_knobs = ["TieredCompilation", "TieredPGO", "TC_", "OSR", "ReadyToRun", "ZapDisable", "JitMinOpts", "JitDisasm", "JitStdOutFile"];

    private static readonly string[] s_prefixes = ["DOTNET_", "COMPlus_"];

    /// <summary>Removes the inherited JIT knobs from <paramref name="environment"/> and sets <see cref="Settings"/>.</summary>
    public static void Apply(IDictionary<string, string?> environment)
    {
        foreach (string name in environment.Keys.Where(IsJitKnob).ToList())
        {
            environment.Remove(name);
        }

        foreach ((string name, string value) in Settings)
        {
            environment[name] = value;
        }
    }

    /// <summary>"DOTNET_TieredCompilation=1, DOTNET_TieredPGO=1": the settings as the report names them.</summary>
    public static string Describe() => string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"));

    private static bool IsJitKnob(string name) =>
        s_prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)
            && s_knobs.Any(k => name.AsSpan(p.Length).StartsWith(k, StringComparison.OrdinalIgnoreCase)));
}
