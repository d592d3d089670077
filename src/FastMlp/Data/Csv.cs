// Loads tabular data from CSV: numeric feature columns plus a class label column (classification) or
// target columns (regression). Invariant culture ("1.5", "-2e-3"); RFC 4180 quotes within a line; blank
// lines skipped; a header line is detected (any field not a number) unless hasHeader says. Every row must
// have the header's (or the first row's) number of fields. NaN and infinities are rejected unless
// allowNonFinite. Column indices are 0-based, and negative ones count from the end (−1 = the last column);
// messages give 1-based lines and columns, as editors do. Every problem with the content is a
// DataFormatException naming the file, the line, the column and the problem; nothing partial is returned.
namespace FastMlp;

/// <summary>Loads numeric CSV files as datasets for classification or regression.</summary>
public static class Csv
{
    /// <summary>
    /// A classification set: the label column holds each row's class as an integer 0, 1, 2, ... ("3" or "3.0");
    /// every other column is a feature. Targets are the one-hot rows of the labels.
    /// </summary>
    /// <param name="path">The CSV file (UTF-8, or the encoding its byte order mark names).</param>
    /// <param name="labelColumn">The label column, 0-based; negative counts from the end (−1, the default, is the last).</param>
    /// <param name="classCount">Number of classes (every label must be below it); null: the largest label + 1.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header; null: it is when any of its fields is not a number.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="allowNonFinite">Accept NaN and ±Infinity as feature values (rejected by default).</param>
    /// <exception cref="DataFormatException">The content is not such a table.</exception>
    public static Dataset LoadClassification(
        string path, int labelColumn = -1, int? classCount = null, bool? hasHeader = null, char separator = ',', bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ValidateArguments(classCount, separator);
        using StreamReader reader = OpenText(path);
        return LoadClassification(reader, path, labelColumn, classCount, hasHeader, separator, allowNonFinite);
    }

    /// <summary>A classification set read from <paramref name="reader"/> (to its end; not disposed).</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="name">The name that messages give the text (a file name, say).</param>
    /// <param name="labelColumn">The label column, 0-based; negative counts from the end (−1, the default, is the last).</param>
    /// <param name="classCount">Number of classes (every label must be below it); null: the largest label + 1.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header; null: it is when any of its fields is not a number.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="allowNonFinite">Accept NaN and ±Infinity as feature values (rejected by default).</param>
    /// <exception cref="DataFormatException">The content is not such a table.</exception>
    public static Dataset LoadClassification(
        TextReader reader, string name, int labelColumn = -1, int? classCount = null, bool? hasHeader = null, char separator = ',', bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        ValidateArguments(classCount, separator);

        var csv = new CsvReader(reader, name, separator, hasHeader, allowNonFinite);
        bool[] isTarget = TargetColumns(csv, [labelColumn], "label");
        int label = Array.IndexOf(isTarget, true);
        int featureCount = csv.ColumnCount - 1;

        var features = new List<float>();
        var labels = new List<int>();
        int largest = -1;
        while (csv.NextRow())
        {
            for (int c = 0; c < csv.ColumnCount; c++)
            {
                if (c != label)
                {
                    features.Add(csv.Number(c));
                }
            }

            int value = csv.Label(label);
            if (value >= classCount)
            {
                throw csv.Error(label + 1, $"label {value} is not below the class count {classCount}.");
            }

            largest = Math.Max(largest, value);
            labels.Add(value);
        }

        RequireRows(csv, labels.Count);
        int classes = classCount ?? (largest + 1);
        if (classes < 2)
        {
            throw new DataFormatException(name, $"has only one class: every label is 0. Classification needs at least 2 classes; pass classCount to declare more.");
        }

        return Dataset.ForClassification(features.ToArray(), featureCount, labels.ToArray(), classes);
    }

    /// <summary>A regression set: <paramref name="targetColumn"/> is the target, every other column a feature.</summary>
    /// <param name="path">The CSV file (UTF-8, or the encoding its byte order mark names).</param>
    /// <param name="targetColumn">The target column, 0-based; negative counts from the end (−1, the default, is the last).</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header; null: it is when any of its fields is not a number.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="allowNonFinite">Accept NaN and ±Infinity as values (rejected by default).</param>
    /// <exception cref="DataFormatException">The content is not such a table.</exception>
    public static Dataset LoadRegression(string path, int targetColumn = -1, bool? hasHeader = null, char separator = ',', bool allowNonFinite = false) =>
        LoadRegression(path, [targetColumn], hasHeader, separator, allowNonFinite);

    /// <summary>
    /// A regression set: the <paramref name="targetColumns"/> are the targets, in the order given; every other
    /// column is a feature, in file order.
    /// </summary>
    /// <param name="path">The CSV file (UTF-8, or the encoding its byte order mark names).</param>
    /// <param name="targetColumns">The target columns, 0-based; negative counts from the end. At least one, all distinct.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header; null: it is when any of its fields is not a number.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="allowNonFinite">Accept NaN and ±Infinity as values (rejected by default).</param>
    /// <exception cref="DataFormatException">The content is not such a table.</exception>
    public static Dataset LoadRegression(string path, IReadOnlyList<int> targetColumns, bool? hasHeader = null, char separator = ',', bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ValidateArguments(targetColumns, separator);
        using StreamReader reader = OpenText(path);
        return LoadRegression(reader, path, targetColumns, hasHeader, separator, allowNonFinite);
    }

    /// <summary>A regression set read from <paramref name="reader"/> (to its end; not disposed).</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="name">The name that messages give the text (a file name, say).</param>
    /// <param name="targetColumns">The target columns, 0-based; negative counts from the end. At least one, all distinct.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header; null: it is when any of its fields is not a number.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="allowNonFinite">Accept NaN and ±Infinity as values (rejected by default).</param>
    /// <exception cref="DataFormatException">The content is not such a table.</exception>
    public static Dataset LoadRegression(
        TextReader reader, string name, IReadOnlyList<int> targetColumns, bool? hasHeader = null, char separator = ',', bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        ValidateArguments(targetColumns, separator);

        var csv = new CsvReader(reader, name, separator, hasHeader, allowNonFinite);
        bool[] isTarget = TargetColumns(csv, targetColumns, "target");
        int[] targetOrder = new int[targetColumns.Count];
        for (int t = 0; t < targetOrder.Length; t++)
        {
            targetOrder[t] = Resolve(targetColumns[t], csv.ColumnCount);
        }

        var features = new List<float>();
        var targets = new List<float>();
        int rows = 0;
        while (csv.NextRow())
        {
            for (int c = 0; c < csv.ColumnCount; c++)
            {
                if (!isTarget[c])
                {
                    features.Add(csv.Number(c));
                }
            }

            foreach (int c in targetOrder)
            {
                targets.Add(csv.Number(c));
            }

            rows++;
        }

        RequireRows(csv, rows);
        return new Dataset(features.ToArray(), csv.ColumnCount - targetOrder.Length, targets.ToArray(), targetOrder.Length);
    }

    private static StreamReader OpenText(string path) =>
        new(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { Options = FileOptions.SequentialScan });

    private static void ValidateArguments(int? classCount, char separator)
    {
        if (classCount is int count)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 2, nameof(classCount));
        }

        ValidateSeparator(separator);
    }

    private static void ValidateArguments(IReadOnlyList<int> targetColumns, char separator)
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        if (targetColumns.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(targetColumns), "At least one target column is needed.");
        }

        ValidateSeparator(separator);
    }

    private static void ValidateSeparator(char separator)
    {
        if (separator is '"' or '\r' or '\n')
        {
            ThrowHelper.ThrowArgument(nameof(separator), $"The separator cannot be a quote or a line break (got U+{(int)separator:X4}).");
        }
    }

    private static int Resolve(int column, int columnCount) => column < 0 ? columnCount + column : column;

    // Which columns are targets (labels); rejects indices outside the table, repeats, and tables with no feature left.
    private static bool[] TargetColumns(CsvReader csv, IReadOnlyList<int> columns, string what)
    {
        var isTarget = new bool[csv.ColumnCount];
        foreach (int given in columns)
        {
            int c = Resolve(given, csv.ColumnCount);
            if ((uint)c >= (uint)csv.ColumnCount)
            {
                throw new DataFormatException(csv.Name, $"has {csv.ColumnCount} columns (line {csv.FirstLine}); the {what} column {given} is not one of them.", csv.FirstLine);
            }

            if (isTarget[c])
            {
                ThrowHelper.ThrowArgument("targetColumns", $"The {what} columns [{string.Join(", ", columns)}] name column {c} (0-based) of {csv.Name} twice.");
            }

            isTarget[c] = true;
        }

        if (columns.Count >= csv.ColumnCount)
        {
            throw new DataFormatException(csv.Name, $"has {csv.ColumnCount} columns (line {csv.FirstLine}), all of them {what}s; at least one feature column is needed.", csv.FirstLine);
        }

        return isTarget;
    }

    private static void RequireRows(CsvReader csv, int rows)
    {
        if (rows == 0)
        {
            throw new DataFormatException(csv.Name, $"has a header (line {csv.FirstLine}) but no data rows.");
        }
    }
}
