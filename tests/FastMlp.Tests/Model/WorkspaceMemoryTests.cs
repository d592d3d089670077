// WorkspaceMemoryTests: workspaces dropped without Dispose are memory the GC sees and reclaims. In a child
// process (FastMlp.Probe's undisposed-workspaces) so the resident set measures this scenario alone: 500
// workspaces of 1.6 MB, each used once and dropped, may raise the peak resident set by at most 256 MiB.
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed class WorkspaceMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Undisposed_workspaces_keep_the_process_bounded() =>
        output.WriteLine(ChildProcess.AssertProbePasses("undisposed-workspaces", "500"));
}
