namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// Command-line reading for the non-BenchmarkDotNet harnesses: options given as <c>--name value</c> or
/// <c>--name=value</c>, each handed in order to the harness, and -h / --help. On --help it prints the usage
/// (exit code 0); on an unknown option, a missing value or a value the harness rejects, it prints the error and
/// the usage (exit code 2).
/// </summary>
internal static class HarnessArguments
{
    /// <summary>
    /// Calls <paramref name="apply"/> with each option's name and value, in order; apply returns null to accept the
    /// value or the error to print. Returns true when every option was accepted; otherwise false, having printed
    /// what is described above, with the harness's <paramref name="exitCode"/>.
    /// </summary>
    public static bool TryApply(string[] args, string usage, string[] names, Func<string, string, string?> apply, out int exitCode)
    {
        exitCode = 0;
        if (TryRead(args, names, apply, out string? error))
        {
            return true;
        }

        if (error is not null)
        {
            Console.Error.WriteLine(error);
            exitCode = 2;
        }

        Console.Error.WriteLine(usage);
        return false;
    }

    /// <summary>False with a null error for --help; false with an error for bad arguments.</summary>
    private static bool TryRead(string[] args, string[] names, Func<string, string, string?> apply, out string? error)
    {
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is "-h" or "--help")
            {
                return false;
            }

            if (!names.Contains(name))
            {
                error = $"Unknown argument '{args[i]}'.";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{name} needs a value.";
                    return false;
                }

                value = args[++i];
            }

            error = apply(name, value);
            if (error is not null)
            {
                return false;
            }
        }

        return true;
    }
}
