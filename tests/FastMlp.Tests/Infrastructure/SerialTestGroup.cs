// SerialTestGroup: an xunit collection whose tests run alone, after every parallel test. For tests
// whose point is to use several cores (the GEMM worker pool runs a job on the caller alone while
// another job holds it, so a concurrent test could leave the split untested) or to read
// machine-wide state.
namespace FastMlp.Tests.Infrastructure;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTestGroup
{
    public const string Name = "Serial: alone on the machine";
}
