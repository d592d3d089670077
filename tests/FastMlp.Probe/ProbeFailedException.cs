namespace FastMlp.Probe;

/// <summary>A scenario's check did not hold; the message says which and with what values.</summary>
internal sealed class ProbeFailedException(string message) : Exception(message)
{
    public static void ThrowUnless(bool condition, string message)
    {
        if (!condition)
        {
            throw new ProbeFailedException(message);
        }
    }
}
