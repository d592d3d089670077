// SoakTests: the bounded soak (FastMlp.Probe's Soak: millions of predictions and thousands of steps on 1
// and 2 threads, the 2-thread calls required to split, and bounds on what the caller, the workers and the
// whole process allocate, on the managed heap, the GEMM's native memory and the resident set). It runs in a
// child process, since in the test runner other threads allocate and keep memory meanwhile.
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Training;

[Collection(SerialTestGroup.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public void Millions_of_predictions_and_thousands_of_steps_leave_the_process_where_it_was() =>
        output.WriteLine(ChildProcess.AssertProbePasses("soak"));
}
