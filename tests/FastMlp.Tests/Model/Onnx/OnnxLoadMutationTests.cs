// OnnxLoadMutationTests: LoadOnnx on hostile input. Every valid fixture (the exporters' files and SaveOnnx's) is
// mutated: truncated at every length, each byte XORed with 0x01, 0x80 and 0xFF, and at every position a length
// prefix claiming 2^32 − 1 bytes, 2^63 bytes or an 11-byte varint inserted. Each mutant must load or be a
// ModelFormatException, nothing else (no IndexOutOfRange, Overflow, OutOfMemory, InvalidCast, endless loop), from
// a seekable stream and, every seventh, a non-seekable one with short reads; and no load may allocate more than
// a small multiple of the file (a length prefix is checked against the bytes left before anything is sliced or
// allocated). The mutants run twice: the first pass warms every path (an exception type's first throw in a process
// loads resources), the second measures.
using FastMlp.Tests.Data;

namespace FastMlp.Tests.Model.Onnx;

public sealed class OnnxLoadMutationTests
{
    internal const long AllocationPerByte = 64;
    internal const long AllocationConstant = 256 * 1024;

    private static readonly byte[][] s_lengthPrefixes =
    [
        [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], // field 1, length-delimited, 2^32 − 1 bytes
        [0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // field 7 (graph), 2^63 bytes
        [0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // field 8, an 11-byte varint
    ];

    [Fact]
    public void Every_mutant_of_a_valid_file_loads_or_is_a_ModelFormatException_within_a_bounded_allocation()
    {
        List<(string Name, byte[] Bytes)> files = [.. OnnxLoadFixtureTests.Names.Select(n => (n, File.ReadAllBytes(OnnxLoadFixtureTests.PathOf(n, ".onnx"))))];
        foreach (Network network in new[]
        {
            Network.Create([3, 4, 2], Activation.Gelu, Activation.Softmax, seed: 1),
            Network.Create([2, 3, 3, 1], [Activation.Silu, Activation.LeakyRelu, Activation.Sigmoid], seed: 2),
        })
        {
            using var stream = new MemoryStream();
            network.SaveOnnx(stream);
            files.Add(($"SaveOnnx [{string.Join(", ", network.LayerSizes)}]", stream.ToArray()));
        }

        int loaded = 0, refused = 0;
        foreach (bool measure in new[] { false, true })
        {
            int count = 0;
            foreach ((string name, byte[] file) in files)
            {
                Assert.NotNull(Network.LoadOnnx(new MemoryStream(file)));
                foreach ((string what, byte[] mutant) in Mutants(file))
                {
                    bool piped = count++ % 7 == 0;
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    bool ok = Outcome($"{name}, {what}{(piped ? ", non-seekable" : "")}", piped ? new NonSeekableStream(mutant) : new MemoryStream(mutant));
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (measure)
                    {
                        (loaded, refused) = ok ? (loaded + 1, refused) : (loaded, refused + 1);
                        Assert.True(allocated <= (AllocationPerByte * mutant.Length) + AllocationConstant, $"{name}, {what}: the load allocated {allocated} bytes for a {mutant.Length}-byte file.");
                    }
                }
            }
        }

        // Most mutants break the file; some (a flipped weight bit, a cut-off trailing field) still load.
        Assert.True(refused > loaded && loaded > 0, $"{loaded} mutants loaded and {refused} were refused.");
    }

    /// <summary>True when the mutant loads, false when it is a ModelFormatException; anything else fails the test.</summary>
    private static bool Outcome(string what, Stream stream)
    {
        try
        {
            Network.LoadOnnx(stream);
            return true;
        }
        catch (ModelFormatException)
        {
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
            throw;
        }
    }

    private static IEnumerable<(string What, byte[] Mutant)> Mutants(byte[] file)
    {
        for (int length = 0; length < file.Length; length++)
        {
            yield return ($"truncated to {length} bytes", file[..length]);
        }

        foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (int i = 0; i < file.Length; i++)
            {
                byte[] mutant = [.. file];
                mutant[i] ^= mask;
                yield return ($"byte {i} XOR 0x{mask:X2}", mutant);
            }
        }

        foreach (byte[] prefix in s_lengthPrefixes)
        {
            for (int i = 0; i <= file.Length; i++)
            {
                yield return ($"length prefix {Convert.ToHexString(prefix)} inserted at byte {i}", [.. file[..i], .. prefix, .. file[i..]]);
            }
        }
    }
}
