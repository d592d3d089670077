// Splits CSV text into rows of fields for Csv: RFC 4180 quoting within a line ("a, b" and "" for a quote;
// a quoted field cannot span lines), spaces and tabs around a field trimmed (unless one is the separator),
// blank lines skipped, \n, \r\n and \r line ends. Every row must have as many fields as the first one
// (the header when there is one). Numbers are read with the invariant culture. Every problem is a
// DataFormatException with the file name, the 1-based line and the 1-based column.
using System.Globalization;
using System.Text;

namespace FastMlp;

internal sealed class CsvReader
{
    private readonly TextReader _reader;
    private readonly char _separator;
    private readonly bool _allowNonFinite;
    private readonly List<string> _fields = [];
    private string? _pending;
    private readonly int _pendingLine;
    private int _lineCount; // physical lines read so far, blank ones included

    public CsvReader(TextReader reader, string name, char separator, bool? hasHeader, bool allowNonFinite)
    {
        _reader = reader;
        Name = name;
        _separator = separator;
        _allowNonFinite = allowNonFinite;

        // The first non-blank line fixes the column count; it is a header when told so, or (auto) when any
        // of its fields is not a number.
        string? first = NextNonBlank(out int firstLine);
        if (first is null)
        {
            throw new DataFormatException(name, "is empty: it has no header and no data rows.");
        }

        Split(first, firstLine);
        ColumnCount = _fields.Count;
        FirstLine = firstLine;
        HasHeader = hasHeader ?? _fields.Exists(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (!HasHeader)
        {
            _pending = first;
            _pendingLine = firstLine;
        }
    }

    public string Name { get; }

    public int ColumnCount { get; }

    public bool HasHeader { get; }

    /// <summary>The line that fixed the column count (the header, or the first data row).</summary>
    public int FirstLine { get; }

    /// <summary>The 1-based line of the current row.</summary>
    public int Line { get; private set; }

    /// <summary>Moves to the next data row; false at the end of the text.</summary>
    public bool NextRow()
    {
        string? text;
        if (_pending is not null)
        {
            text = _pending;
            Line = _pendingLine;
            _pending = null;
        }
        else
        {
            text = NextNonBlank(out int line);
            if (text is null)
            {
                return false;
            }

            Line = line;
        }

        Split(text, Line);
        if (_fields.Count != ColumnCount)
        {
            int column = (_fields.Count < ColumnCount ? _fields.Count : ColumnCount) + 1;
            throw Error(column, $"has {_fields.Count} fields; expected {ColumnCount}, as line {FirstLine}.");
        }

        return true;
    }

    /// <summary>The value of a field of the current row.</summary>
    /// <param name="column">0-based.</param>
    public float Number(int column)
    {
        string text = _fields[column];
        if (text.Length == 0)
        {
            throw Error(column + 1, "is empty; expected a number.");
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw Error(column + 1, $"'{text}' is not a number.");
        }

        if (!float.IsFinite(value) && !_allowNonFinite)
        {
            // A finite double beyond ±3.4e38 rounds to infinity in float: say so rather than "infinite".
            bool overflow = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double wide) && double.IsFinite(wide);
            throw Error(column + 1, overflow
                ? $"'{text}' is beyond the range of float (±3.4e38)."
                : $"'{text}' is not finite; NaN and infinities are rejected unless allowNonFinite is set.");
        }

        return value;
    }

    /// <summary>The class label in a field of the current row: a non-negative integer ("3" or "3.0").</summary>
    /// <param name="column">0-based.</param>
    public int Label(int column)
    {
        string text = _fields[column];
        if (text.Length == 0)
        {
            throw Error(column + 1, "is empty; expected a class label (an integer ≥ 0).");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value != Math.Floor(value))
        {
            throw Error(column + 1, $"label '{text}' is not an integer; class labels are integers 0, 1, 2, ...");
        }

        if (value < 0)
        {
            throw Error(column + 1, $"label '{text}' is negative; class labels are integers 0, 1, 2, ...");
        }

        if (value > Array.MaxLength)
        {
            throw Error(column + 1, $"label '{text}' is too large.");
        }

        return (int)value;
    }

    public DataFormatException Error(int column, string problem) => new(Name, problem, Line, column);

    private string? NextNonBlank(out int line)
    {
        while (true)
        {
            string? text = _reader.ReadLine();
            if (text is null)
            {
                line = 0;
                return null;
            }

            _lineCount++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                line = _lineCount;
                return text;
            }
        }
    }

    private void Split(string text, int line)
    {
        _fields.Clear();
        int i = 0;
        while (true)
        {
            // One field per pass, starting at i: leading blanks, then a quoted or a plain field.
            while (i < text.Length && IsBlank(text[i]))
            {
                i++;
            }

            string field;
            if (i < text.Length && text[i] == '"')
            {
                int quote = i;
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new DataFormatException(Name, $"has a quoted field opened at character {quote + 1} and never closed (a field cannot span lines).", line, _fields.Count + 1);
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                while (i < text.Length && IsBlank(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] != _separator)
                {
                    throw new DataFormatException(Name, $"has '{text[i]}' after the closing quote at character {i}; expected the separator '{_separator}'.", line, _fields.Count + 1);
                }

                field = value.ToString();
            }
            else
            {
                int start = i;
                while (i < text.Length && text[i] != _separator)
                {
                    i++;
                }

                int end = i;
                while (end > start && IsBlank(text[end - 1]))
                {
                    end--;
                }

                field = text[start..end];
            }

            _fields.Add(field);
            if (i >= text.Length)
            {
                return;
            }

            i++; // past the separator
        }
    }

    private bool IsBlank(char c) => (c == ' ' || c == '\t') && c != _separator;
}
