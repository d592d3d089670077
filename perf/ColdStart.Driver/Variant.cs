// One way to build and run a cold-start child, as perf/coldstart.sh writes it to the variants file: one line per
// variant, tab-separated: name, engine, how it was built, the DOTNET_* settings of its processes (space-separated
// NAME=VALUE, or "-"), and its command line (space-separated; the driver appends the spawn timestamp and the
// warm-up). Lines starting with '#' are comments.
namespace FastMlp.ColdStart;

internal sealed record Variant(string Name, string Engine, string Build, IReadOnlyList<KeyValuePair<string, string>> Environment, IReadOnlyList<string> Command)
{
    /// <summary>The settings as the report shows them ("default" when none).</summary>
    public string Settings => Environment.Count == 0 ? "default" : string.Join(' ', Environment.Select(e => $"{e.Key}={e.Value}"));

    public static IReadOnlyList<Variant> ReadAll(string path)
    {
        var variants = new List<Variant>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] fields = line.Split('\t');
            if (fields.Length != 5)
            {
                throw new FormatException($"{path}: a variant line needs 5 tab-separated fields, found {fields.Length}: {line}");
            }

            var environment = fields[3] == "-" ? [] : fields[3].Split(' ').Select(Setting).ToList();
            variants.Add(new Variant(fields[0], fields[1], fields[2], environment, fields[4].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }

        return variants;
    }

    private static KeyValuePair<string, string> Setting(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new(text[..equals], text[(equals + 1)..]) : throw new FormatException($"a setting must be NAME=VALUE: {text}");
    }
}
