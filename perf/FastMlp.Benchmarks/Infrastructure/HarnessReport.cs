using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// What the non-BenchmarkDotNet harnesses (<see cref="LatencyHarness"/>, <see cref="MnistHarness"/>) share around
/// their measurements: the warning for an unoptimized build, the CPU / runtime / date lines that end each markdown
/// report, and printing the report to stdout and, with --out, to a file.
/// </summary>
internal static class HarnessReport
{
    /// <summary>Warns on stderr when FastMlp or the harness was compiled without JIT optimizations.</summary>
    public static void WarnIfDebugBuild()
    {
        if (new[] { typeof(Network).Assembly, typeof(HarnessReport).Assembly }
            .Any(a => a.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true))
        {
            Console.Error.WriteLine("Warning: FastMlp or the harness was built without optimizations; run with -c Release.");
        }
    }

    /// <summary>
    /// Appends the "- CPU", "- Runtime" and "- Date (UTC)" lines; <paramref name="runtimeDetail"/> is added to the
    /// end of the runtime line as is, and the arguments line shows <paramref name="command"/> then <paramref name="args"/>.
    /// </summary>
    public static void AppendEnvironment(StringBuilder text, string runtimeDetail, string command, string[] args)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"- CPU: {CpuName()}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}");
        text.AppendLine(c, $"- Runtime: {RuntimeInformation.FrameworkDescription}; Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}{runtimeDetail}");
        text.AppendLine(c, $"- Date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm}; arguments: `{command} {string.Join(' ', args)}`");
    }

    /// <summary>Prints the report to stdout and, when <paramref name="outputPath"/> is set, writes it there too (creating the folder).</summary>
    public static void Publish(string report, string? outputPath)
    {
        Console.WriteLine(report);
        if (outputPath is null)
        {
            return;
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(outputPath, report);
        Console.Error.WriteLine($"Wrote {outputPath}");
    }

    /// <summary>The "model name" of /proc/cpuinfo ("AMD EPYC"), or "unknown CPU"; perf/FastMlp.Peers links this file for it.</summary>
    public static string CpuName()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            foreach (string line in File.ReadLines(cpuInfo))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }

        return "unknown CPU";
    }
}
