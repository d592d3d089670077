// Float buffers cross silos as byte[]: Orleans' serializer has a block codec for byte arrays and none for
// float arrays (each element would be written as its own field). A byte[] read back is viewed as floats in
// place (MemoryMarshal.Cast), so the receiver copies nothing.
using System.Runtime.InteropServices;

namespace FastMlp.Orleans;

internal static class FloatBytes
{
    /// <summary>The floats' bytes, in a new array.</summary>
    public static byte[] From(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Writes the floats' bytes into <paramref name="destination"/> (allocated, or reallocated when its length differs).</summary>
    public static void Into(ReadOnlySpan<float> values, ref byte[]? destination)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (destination is null || destination.Length != bytes.Length)
        {
            destination = new byte[bytes.Length];
        }

        bytes.CopyTo(destination);
    }

    /// <summary>The bytes as floats, without a copy.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of floats.</exception>
    public static ReadOnlySpan<float> View(byte[] bytes, string name)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException($"{name} has {bytes.Length} bytes, not a whole number of floats.", name);
        }

        return MemoryMarshal.Cast<byte, float>(bytes);
    }
}
