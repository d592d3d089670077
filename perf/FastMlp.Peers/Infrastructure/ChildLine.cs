using System.Globalization;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The one machine-readable line a child process of the suite prints on stdout for its parent:
/// <c>tag key=value key=value …</c>. Keys and values hold no whitespace and no '='; numbers are written in the
/// invariant culture's shortest round-trip form, so the parent reads back the very doubles the child measured.
/// Parsing finds the tagged line among any other output and names what is missing or malformed (FormatException).
/// </summary>
internal sealed class ChildLine
{
    private readonly string _line;
    private readonly Dictionary<string, string> _values;

    private ChildLine(string line, Dictionary<string, string> values)
    {
        _line = line;
        _values = values;
    }

    /// <summary>
    /// The line for <paramref name="values"/>: each value an <see cref="IFormattable"/> in the invariant culture, a list
    /// of doubles joined by ',' (<see cref="Numbers"/>), or text.
    /// </summary>
    /// <exception cref="ArgumentException">A key or value is empty, or holds whitespace or '='.</exception>
    public static string Format(string tag, IEnumerable<(string Key, object Value)> values) =>
        string.Join(' ', values.Select(v => $"{Checked(v.Key, nameof(values))}={Checked(Written(v.Value), nameof(values))}").Prepend(tag));

    /// <summary>The last line of <paramref name="output"/> that starts with <paramref name="tag"/> and a space, read into its pairs.</summary>
    /// <exception cref="FormatException">No such line, a pair without a key or '=', or a key given twice.</exception>
    public static ChildLine Parse(string tag, string output)
    {
        string line = output.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(tag + " ", StringComparison.Ordinal))
            ?? throw new FormatException($"No '{tag}' line in the child's output: '{output.Trim()}'.");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in line[(tag.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !values.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                throw new FormatException($"'{pair}' is not a key=value pair given once, in '{line}'.");
            }
        }

        return new ChildLine(line, values);
    }

    /// <exception cref="FormatException">The key is missing.</exception>
    public string Text(string key) =>
        _values.TryGetValue(key, out string? value) ? value : throw new FormatException($"No '{key}' in '{_line}'.");

    /// <exception cref="FormatException">The key is missing or its value is not an invariant-culture number.</exception>
    public double Number(string key) =>
        double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"'{key}' is '{Text(key)}', not a number, in '{_line}'.");

    /// <exception cref="FormatException">The key is missing or one of its ','-separated values is not an invariant-culture number.</exception>
    public IReadOnlyList<double> Numbers(string key) =>
        [.. Text(key).Split(',').Select(n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"'{key}' holds '{n}', not a number, in '{_line}'."))];

    private static string Written(object value) => value switch
    {
        IEnumerable<double> list => string.Join(',', list.Select(d => d.ToString(CultureInfo.InvariantCulture))),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Checked(string text, string argument) =>
        text.Length > 0 && !text.Any(c => char.IsWhiteSpace(c) || c == '=')
            ? text
            : throw new ArgumentException($"'{text}' cannot be a key or value of a child's line (empty, whitespace or '=').", argument);
}
