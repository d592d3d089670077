// Runs one scenario and exits 0 when every check held, 1 (with the reason on stderr) when one failed, 2 on
// bad usage; any other exit code (134: an access violation) is a crash. Each scenario prints one summary
// line on stdout, which the test quotes in its failure message.
using FastMlp.Probe;

if (args.Length == 0 || !Scenarios.All.TryGetValue(args[0], out Func<string[], string>? scenario))
{
    await Console.Error.WriteLineAsync($"usage: FastMlp.Probe <{string.Join('|', Scenarios.All.Keys)}> [arguments]");
    return 2;
}

try
{
    Console.WriteLine(scenario(args[1..]));
    return 0;
}
catch (ProbeFailedException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}
