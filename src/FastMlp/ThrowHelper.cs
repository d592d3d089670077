// Throws for the public entry points. Kept out of line ([DoesNotReturn], no inlining) so the
// validation in hot public methods stays a compare and a branch.
using System.Diagnostics.CodeAnalysis;

namespace FastMlp;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actualValue, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actualValue, message);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) =>
        throw new InvalidOperationException(message);
}
