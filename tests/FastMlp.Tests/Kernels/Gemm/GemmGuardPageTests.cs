// GemmGuardPageTests: no GEMM path reads or writes one element past A, B or C, shown with operands that
// end at an inaccessible page (FastMlp.Probe's guard-pages scenario, in a child process: a stray access
// is a SIGSEGV there and fails this test instead of killing the test run). The in-process NaN margins
// (GemmCheck) cannot see a read whose lanes the kernel masks out of the result; a page fault can.
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Kernels;

public sealed class GemmGuardPageTests(ITestOutputHelper output)
{
    [Fact]
    public void Operands_that_end_at_an_inaccessible_page_are_read_and_written_only_within() =>
        output.WriteLine(ChildProcess.AssertProbePasses("guard-pages"));
}
