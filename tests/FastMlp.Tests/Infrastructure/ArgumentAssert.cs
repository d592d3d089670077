// ArgumentAssert: what every bad-input test checks about the exception (DESIGN.md section 2): its exact
// type, the parameter it names, and that its message names the sizes involved.
namespace FastMlp.Tests.Infrastructure;

internal static class ArgumentAssert
{
    /// <summary>
    /// <paramref name="action"/> throws exactly <typeparamref name="TException"/> naming <paramref name="paramName"/>,
    /// with every string of <paramref name="mentions"/> in its message.
    /// </summary>
    public static TException Throws<TException>(string paramName, Action action, params string[] mentions)
        where TException : ArgumentException
    {
        TException e = Assert.Throws<TException>(action);
        Assert.Equal(paramName, e.ParamName);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, e.Message, StringComparison.Ordinal);
        }

        return e;
    }
}
