namespace FastMlp.Probe;

internal static class Scenarios
{
    /// <summary>Scenario name to body; a body takes the remaining arguments and returns its summary line.</summary>
    public static readonly Dictionary<string, Func<string[], string>> All = new()
    {
        ["dispose-during-predict"] = a => DisposeRace.DuringPredict(Rounds(a)),
        ["dispose-during-step"] = a => DisposeRace.DuringStep(Rounds(a)),
        ["dispose-during-fit"] = a => DisposeRace.DuringFit(Rounds(a)),
        ["pool-first-use"] = _ => PoolFirstUse.Run(),
        ["undisposed-workspaces"] = a => UndisposedWorkspaces.Run(Rounds(a)),
        ["soak"] = _ => Soak.Run(),
        ["guard-pages"] = _ => GuardPages.Run(),
    };

    private static int Rounds(string[] arguments) => arguments.Length > 0 ? int.Parse(arguments[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
}
