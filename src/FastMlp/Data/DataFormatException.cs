// The one exception the data loaders (Idx, Csv, MnistSubset) throw for bad file content: it names the
// file (as the caller gave it: a path, or the name passed with a stream), the problem, and for text
// files the 1-based line and column. Missing files and I/O failures stay IOExceptions; bad arguments
// stay ArgumentExceptions.
using System.Globalization;
using System.Text;

namespace FastMlp;

/// <summary>A data file's content is not what its format requires; the message names the file and the problem.</summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>An exception with a default message.</summary>
    public DataFormatException()
        : this("The data is not in the expected format.")
    {
    }

    /// <summary>An exception with the given message and no file name.</summary>
    public DataFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>An exception with the given message and the exception that caused it.</summary>
    public DataFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>A problem in <paramref name="fileName"/>, at a line and column of a text file when given (1-based; 0 = not known).</summary>
    /// <param name="fileName">The file as the caller named it (a path, or the name given with a stream).</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="line">The 1-based line number in a text file; 0 when it does not apply.</param>
    /// <param name="column">The 1-based column (field) number in a text file; 0 when it does not apply.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public DataFormatException(string fileName, string problem, int line = 0, int column = 0, Exception? innerException = null)
        : base(Compose(fileName, problem, line, column), innerException)
    {
        FileName = fileName;
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>The file as the caller named it; null when not known.</summary>
    public string? FileName { get; }

    /// <summary>What is wrong, without the file name and position.</summary>
    public string Problem { get; }

    /// <summary>The 1-based line of a text file where the problem is; 0 when it does not apply.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (field number) of a text file where the problem is; 0 when it does not apply.</summary>
    public int Column { get; }

    // "digits.csv, line 7, column 3: ..." / "train-images-idx3-ubyte.gz: ..."
    private static string Compose(string fileName, string problem, int line, int column)
    {
        var message = new StringBuilder(fileName);
        if (line > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $", line {line}");
        }

        if (column > 0)
        {
            message.Append(CultureInfo.InvariantCulture, $", column {column}");
        }

        return message.Append(": ").Append(problem).ToString();
    }
}
