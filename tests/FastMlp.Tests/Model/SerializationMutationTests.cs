// SerializationMutationTests: thousands of seeded mutations of valid model files (issue 6, "Model
// file"): truncation at every length, bit flips and random bytes anywhere, edited header lengths, every
// header character deleted or doubled, every number in the header replaced by neighbours and extremes,
// dtype strings swapped, parameters made NaN or infinite, bytes appended. Each mutant is loaded from a seekable stream and, every third
// one, from a non-seekable stream with short reads. The outcome must be a valid Network or a
// ModelFormatException, nothing else; each load may allocate at most a few times the file size plus a
// small constant. The loader has no unbounded loop (every loop advances through a finite header or
// stream), so the time bound is the test's total time.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed partial class SerializationMutationTests(ITestOutputHelper output)
{
    private const long AllocationConstant = 32 * 1024;

    private static readonly string[] s_numberVariants = ["0", "1", "-1", "1.0", "1e3", "4294967296", "18446744073709551616", "9223372036854775807", "99999999999999999999999"];

    private static readonly string[] s_dtypes = ["F64", "F16", "BF16", "f32", "I32", "", "F32 "];

    [Fact]
    public void Every_mutant_loads_or_fails_with_ModelFormatException()
    {
        Network[] models =
        [
            Network.Create([2, 3, 1], Activation.Relu, Activation.Sigmoid, seed: 1),
            Network.Create([3, 1], Activation.Identity, Activation.Softmax, seed: 2),
            Network.Create([1, 4, 4, 2], Activation.Tanh, Activation.Identity, seed: 3),
            Network.Create([4, 2], Activation.Softmax, Activation.Softmax, seed: 4),
        ];

        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        long worstExtra = 0;
        int cases = 0;
        var clock = Stopwatch.StartNew();
        for (int m = 0; m < models.Length; m++)
        {
            byte[] file = ModelFileBytes.Save(models[m]);
            foreach ((string description, byte[] mutant) in Mutants(file, seed: 1000 + m))
            {
                bool nonSeekable = cases % 3 == 0;
                cases++;
                string outcome = Load(mutant, seekable: true, out long allocated, out string? failure);
                Record(outcome, allocated, failure, $"model {m}, {description}", mutant.Length);
                if (nonSeekable)
                {
                    cases++;
                    outcome = Load(mutant, seekable: false, out allocated, out failure);
                    Record(outcome, allocated, failure, $"model {m}, {description} (non-seekable)", mutant.Length);
                }
            }
        }

        clock.Stop();
        output.WriteLine($"{cases} mutation loads in {clock.ElapsedMilliseconds} ms; worst allocation beyond the file size: {worstExtra} bytes");
        foreach ((string outcome, int count) in outcomes)
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} mutants misbehaved:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(cases > 5000, $"only {cases} cases");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{cases} loads took {clock.Elapsed}");

        void Record(string outcome, long allocated, string? failure, string description, int size)
        {
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure is not null)
            {
                failures.Add($"{description}: {failure}");
            }

            worstExtra = Math.Max(worstExtra, allocated - size);
            if (allocated > (4L * size) + AllocationConstant)
            {
                failures.Add($"{description}: {allocated} bytes allocated for a {size}-byte file");
            }
        }
    }

    /// <summary>Loads <paramref name="file"/>; returns "valid" or "ModelFormatException: Reason", or the unexpected exception in <paramref name="failure"/>.</summary>
    private static string Load(byte[] file, bool seekable, out long allocated, out string? failure)
    {
        Stream stream = seekable ? new MemoryStream(file, writable: false) : new NonSeekableStream(file, maxRead: 13);
        failure = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            Network network = Network.Load(stream);
            outcome = "valid";
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (network.Parameters.Length * 4 > file.Length)
            {
                failure = $"a network of {network.Parameters.Length} parameters from {file.Length} bytes";
            }
        }
        catch (ModelFormatException e)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            outcome = "ModelFormatException: " + e.Reason;
        }
        catch (Exception e)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            outcome = "other: " + e.GetType().Name;
            failure = $"{e.GetType().Name}: {e.Message}";
        }

        return outcome;
    }

    private static IEnumerable<(string Description, byte[] Mutant)> Mutants(byte[] file, int seed)
    {
        var random = new Random(seed);
        (string header, byte[] data) = ModelFileBytes.Split(file);
        int headerEnd = 8 + Encoding.UTF8.GetByteCount(header);

        for (int length = 0; length < file.Length; length++)
        {
            yield return ($"truncated to {length} bytes", file[..length]);
        }

        for (int i = 0; i < 800; i++)
        {
            // Half the flips land in the header, where the structure is.
            int at = i % 2 == 0 ? random.Next(8, headerEnd) : random.Next(file.Length);
            int bit = random.Next(8);
            byte[] mutant = (byte[])file.Clone();
            mutant[at] ^= (byte)(1 << bit);
            yield return ($"bit {bit} of byte {at} flipped", mutant);
        }

        for (int i = 0; i < 200; i++)
        {
            byte[] mutant = (byte[])file.Clone();
            int count = random.Next(1, 5);
            var where = new List<int>();
            for (int k = 0; k < count; k++)
            {
                int at = random.Next(file.Length);
                mutant[at] = (byte)random.Next(256);
                where.Add(at);
            }

            yield return ($"random bytes at {string.Join(",", where)}", mutant);
        }

        ulong n = (ulong)(headerEnd - 8);
        ulong[] lengths = [0, 1, 2, 7, n - 1, n + 1, n - 8, n + 8, (ulong)file.Length - 8, (ulong)file.Length, 1UL << 16, (1UL << 16) + 1, 1UL << 32, 1UL << 63, ulong.MaxValue];
        foreach (ulong length in lengths.Concat(Enumerable.Range(0, 40).Select(_ => (ulong)random.NextInt64(0, 70_000))))
        {
            byte[] mutant = (byte[])file.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(mutant, length);
            yield return ($"header length {length}", mutant);
        }

        for (int i = 0; i < header.Length; i++)
        {
            yield return ($"header char {i} deleted", ModelFileBytes.Build(header.Remove(i, 1), data, pad: false));
            yield return ($"header char {i} doubled", ModelFileBytes.Build(header.Insert(i, header[i].ToString()), data, pad: false));
        }

        foreach (Match number in Numbers().Matches(header))
        {
            long value = long.Parse(number.Value, System.Globalization.CultureInfo.InvariantCulture);
            string[] variants = [.. s_numberVariants, (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (value - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (value * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            foreach (string variant in variants)
            {
                string edited = string.Concat(header.AsSpan(0, number.Index), variant, header.AsSpan(number.Index + number.Length));
                yield return ($"number '{number.Value}' at {number.Index} -> '{variant}'", ModelFileBytes.Build(edited, data));
            }
        }

        int dtype = 0;
        while ((dtype = header.IndexOf("\"F32\"", dtype + 1, StringComparison.Ordinal)) >= 0)
        {
            foreach (string replacement in s_dtypes)
            {
                string edited = string.Concat(header.AsSpan(0, dtype + 1), replacement, header.AsSpan(dtype + 4));
                yield return ($"dtype at {dtype} -> '{replacement}'", ModelFileBytes.Build(edited, data));
            }
        }

        for (int i = 0; i < data.Length / 4; i += 3)
        {
            byte[] mutant = (byte[])file.Clone();
            BinaryPrimitives.WriteSingleLittleEndian(mutant.AsSpan(headerEnd + (4 * i)), i % 2 == 0 ? float.NaN : float.NegativeInfinity);
            yield return ($"parameter {i} made non-finite", mutant);
        }

        for (int count = 1; count <= 16; count++)
        {
            byte[] tail = new byte[count];
            random.NextBytes(tail);
            yield return ($"{count} bytes appended", [.. file, .. tail]);
            yield return ($"{count} zero bytes appended", [.. file, .. new byte[count]]);
        }
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
