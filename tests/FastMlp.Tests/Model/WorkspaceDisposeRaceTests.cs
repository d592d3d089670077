// WorkspaceDisposeRaceTests: Dispose racing a running Predict, Trainer.Step or Trainer.Fit, hundreds of
// rounds each, in a child process (FastMlp.Probe's DisposeRace), since before the fix the race freed
// memory under the call and aborted the process. Each round must end in ObjectDisposedException for the
// next call; the probe also requires that Dispose really returned during a running call in at least a
// quarter of the rounds, and that an overlapped Predict's outputs are bit-identical to an undisturbed one.
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed class WorkspaceDisposeRaceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("dispose-during-predict", 300)]
    [InlineData("dispose-during-step", 200)]
    [InlineData("dispose-during-fit", 100)]
    public void Dispose_during_a_running_call_never_frees_its_memory(string scenario, int rounds) =>
        output.WriteLine(ChildProcess.AssertProbePasses(scenario, rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
