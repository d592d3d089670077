// ChildProcess: runs one FastMlp.Probe scenario in a new process (same runtime, same environment, so the
// CI's ISA settings apply to it too) and returns its exit code and output. For races that crashed the
// process before their fix, where a crash must fail one test instead of killing the test runner, and for
// process-wide state (first use, resident memory) that the test runner's other tests would disturb.
using System.Diagnostics;

namespace FastMlp.Tests.Infrastructure;

internal static class ChildProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public readonly record struct Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}; stdout: {Output.Trim()}; stderr: {Error.Trim()}";
    }

    /// <summary>Runs FastMlp.Probe with <paramref name="arguments"/> and waits for it (at most three minutes).</summary>
    public static Result RunProbe(params string[] arguments)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "FastMlp.Probe.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(probe);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, output.Result, $"killed after {Timeout.TotalMinutes} minutes; " + error.Result);
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs the scenario and asserts that it exited 0 (every check held, no crash); returns its summary line.</summary>
    public static string AssertProbePasses(params string[] arguments)
    {
        Result result = RunProbe(arguments);
        Assert.True(result.ExitCode == 0, $"FastMlp.Probe {string.Join(' ', arguments)}: {result}");
        return result.Output.Trim();
    }
}
