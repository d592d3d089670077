using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

using FastMlp.Benchmarks.Infrastructure;

namespace FastMlp.Peers.Infrastructure;

/// <summary>The machine a run measures, and the perf/results folder its figures belong in (perf/results/README.md).</summary>
internal static class Machine
{
    public static MachineInfo Describe(string arguments) => new(
        HarnessReport.CpuName(),
        CpuFolder(),
        Environment.ProcessorCount,
        $"{RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}",
        $"{RuntimeInformation.FrameworkDescription}; Vector512 accelerated: {Vector512.IsHardwareAccelerated}",
        Commit(),
        DateTime.UtcNow,
        arguments,
        PeakFlops.MeasurePerCore());

    /// <summary>
    /// "amd-epyc-zen5-2c": the model name's words in lowercase, the microarchitecture where CPUID tells it
    /// (AMD family 17h Zen 2, 19h Zen 3/4, 1Ah Zen 5), then the core count.
    /// </summary>
    public static string CpuFolder()
    {
        var slug = new StringBuilder();
        foreach (char ch in HarnessReport.CpuName().ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        }

        string name = string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        string? micro = AmdMicroarchitecture();
        return string.Create(CultureInfo.InvariantCulture, $"{name}{(micro is null ? "" : "-" + micro)}-{Environment.ProcessorCount}c");
    }

    private static string? AmdMicroarchitecture()
    {
        if (!X86Base.IsSupported || !HarnessReport.CpuName().StartsWith("AMD", StringComparison.Ordinal))
        {
            return null;
        }

        int eax = X86Base.CpuId(1, 0).Eax;
        int family = ((eax >> 8) & 0xF) + ((eax >> 20) & 0xFF);
        int model = ((eax >> 4) & 0xF) | ((eax >> 12) & 0xF0);
        return family switch
        {
            0x17 => "zen2",
            0x19 => model is >= 0x10 and <= 0x1F or >= 0x60 and <= 0x7F or >= 0xA0 and <= 0xAF ? "zen4" : "zen3",
            0x1A => "zen5",
            _ => null,
        };
    }

    /// <summary>The short commit measured, with "+changes" when the work tree differs from it; "unknown" outside git.</summary>
    private static string Commit()
    {
        string? head = Git("rev-parse --short HEAD");
        if (head is null)
        {
            return "unknown";
        }

        return string.IsNullOrWhiteSpace(Git("status --porcelain --untracked-files=no")) ? head : head + "+changes";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using Process? git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            });
            if (git is null)
            {
                return null;
            }

            string output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
