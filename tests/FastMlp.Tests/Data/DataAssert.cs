// DataAssert: what every loader error test checks (issue 5, "Data"): the exception is exactly a
// DataFormatException, it names the file (in FileName and in the message), says the problem (each of
// `mentions` is in the message), and, for text files, points at the right 1-based line and column.
namespace FastMlp.Tests.Data;

internal static class DataAssert
{
    public static DataFormatException Throws(Action action, string fileName, params string[] mentions)
    {
        DataFormatException e = Assert.Throws<DataFormatException>(action);
        Assert.Equal(fileName, e.FileName);
        Assert.StartsWith(fileName, e.Message, StringComparison.Ordinal);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, e.Message, StringComparison.Ordinal);
        }

        return e;
    }

    public static DataFormatException ThrowsAt(Action action, string fileName, int line, int column, params string[] mentions)
    {
        DataFormatException e = Throws(action, fileName, mentions);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        return e;
    }
}
