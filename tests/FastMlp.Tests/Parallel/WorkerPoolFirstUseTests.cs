// WorkerPoolFirstUseTests: the process-wide worker pool is built once even when many threads make their
// first parallel product at the same moment. Needs a fresh process (the test runner's pool exists long
// before this test), so FastMlp.Probe's pool-first-use scenario counts the worker threads after eight
// concurrent first products.
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Parallel;

public sealed class WorkerPoolFirstUseTests(ITestOutputHelper output)
{
    [Fact]
    public void Concurrent_first_use_builds_exactly_one_pool() =>
        output.WriteLine(ChildProcess.AssertProbePasses("pool-first-use"));
}
