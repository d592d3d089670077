// SerializationMutationTests: thousands of seeded mutations of valid model files (issue 6, "Model
// file"), each with the outcome it must have (issue 9: a loader that refuses every file, or gives the
// wrong reason, fails here). Each mutant is loaded from a seekable stream and, every third one, from a
// non-seekable stream with short reads; each load may allocate at most a few times the file size plus a
// small constant. Expected outcomes:
//   - truncation at every length: Truncated; bytes appended: TrailingBytes; dtype strings swapped:
//     UnsupportedDtype; a parameter made NaN or infinite: NonFiniteWeight; header length 0: InvalidHeader,
//     past the end: Truncated or HeaderTooLarge, 2^31 or more: HeaderTooLarge;
//   - bit flips and random bytes in the tensor data: a network holding exactly the mutated bits, or
//     NonFiniteWeight; a padding space deleted or doubled: the same network;
//   - rewrites a safetensors writer may make: the data in another tensor order, the header listing
//     tensors, metadata keys or tensor fields in another order, whitespace between tokens, more or less
//     padding: the same network;
//   - everything else (flips and bytes in the header, edited numbers, deleted or doubled characters,
//     other header lengths): a valid Network or a ModelFormatException, nothing else.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed partial class SerializationMutationTests(ITestOutputHelper output)
{
    private const long AllocationConstant = 32 * 1024;

    private const string Valid = "valid";

    private static readonly string[] s_numberVariants = ["0", "1", "-1", "1.0", "1e3", "4294967296", "18446744073709551616", "9223372036854775807", "99999999999999999999999"];

    private static readonly string[] s_dtypes = ["F64", "F16", "BF16", "f32", "I32", "", "F32 "];

    private static readonly string[] s_spaces = [" ", "\n", "\t", "\r\n  "];

    [Fact]
    public void Every_mutant_has_its_expected_outcome()
    {
        Network[] models =
        [
            Network.Create([2, 3, 1], Activation.Relu, Activation.Sigmoid, seed: 1),
            Network.Create([3, 1], Activation.Identity, Activation.Softmax, seed: 2),
            Network.Create([1, 4, 4, 2], Activation.Tanh, Activation.Identity, seed: 3),
            Network.Create([4, 2], Activation.Softmax, Activation.Softmax, seed: 4),
        ];

        // Every path the mutants reach, once, before anything is counted: the first use of a path in a process
        // can allocate tens of KB that no later load does (an exception message's resource strings are loaded
        // once), and whether another test paid that first depends on the order tests ran in (a clean-clone CI
        // run saw 38,616 bytes for a 428-byte mutant, over the budget, on the first load to take its path).
        foreach (Network model in models)
        {
            foreach (Mutant mutant in Mutants(ModelFileBytes.Save(model), seed: 1000 + Array.IndexOf(models, model)))
            {
                try
                {
                    Network.Load(new MemoryStream(mutant.Bytes));
                }
                catch (ModelFormatException)
                {
                }
            }
        }

        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        long worstExtra = 0;
        int cases = 0, targeted = 0, valid = 0;
        for (int m = 0; m < models.Length; m++)
        {
            byte[] file = ModelFileBytes.Save(models[m]);
            foreach (Mutant mutant in Mutants(file, seed: 1000 + m))
            {
                targeted += mutant.Allowed is null ? 0 : 1;
                valid += mutant.Allowed is [Valid] ? 1 : 0;
                bool nonSeekable = cases % 3 == 0;
                cases++;
                Check(mutant, seekable: true, $"model {m}, {mutant.Description}");
                if (nonSeekable)
                {
                    cases++;
                    Check(mutant, seekable: false, $"model {m}, {mutant.Description} (non-seekable)");
                }
            }
        }

        output.WriteLine($"{cases} mutation loads ({targeted} mutants with one expected outcome or a few, {valid} of them valid); worst allocation beyond the file size: {worstExtra} bytes");
        foreach ((string outcome, int count) in outcomes)
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} loads misbehaved:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(cases > 5000 && targeted > 2000 && valid > 200, $"only {cases} cases, {targeted} targeted, {valid} valid");

        void Check(Mutant mutant, bool seekable, string description)
        {
            string outcome = Load(mutant, seekable, out long allocated, out string? failure);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure is not null)
            {
                failures.Add($"{description}: {failure}");
            }

            worstExtra = Math.Max(worstExtra, allocated - mutant.Bytes.Length);
            if (allocated > (4L * mutant.Bytes.Length) + AllocationConstant)
            {
                failures.Add($"{description}: {allocated} bytes allocated for a {mutant.Bytes.Length}-byte file");
            }
        }
    }

    /// <summary>
    /// A mutated file and what loading it may give: <see cref="Allowed"/> lists the outcomes ("valid" or
    /// "ModelFormatException: Reason"; null: any of them), <see cref="Parameters"/> the bytes a valid load must hold.
    /// </summary>
    private sealed record Mutant(string Description, byte[] Bytes, string[]? Allowed = null, byte[]? Parameters = null);

    private static string Rejected(ModelFormatError reason) => "ModelFormatException: " + reason;

    /// <summary>Loads the mutant; returns "valid" or "ModelFormatException: Reason", and in <paramref name="failure"/> why the outcome is not allowed.</summary>
    private static string Load(Mutant mutant, bool seekable, out long allocated, out string? failure)
    {
        byte[] file = mutant.Bytes;
        Stream stream = seekable ? new MemoryStream(file, writable: false) : new NonSeekableStream(file, maxRead: 13);
        failure = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            Network network = Network.Load(stream);
            outcome = Valid;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            ReadOnlySpan<byte> parameters = MemoryMarshal.AsBytes(network.Parameters);
            if (parameters.Length > file.Length)
            {
                failure = $"a network of {network.Parameters.Length} parameters from {file.Length} bytes";
            }
            else if (mutant.Parameters is not null && !parameters.SequenceEqual(mutant.Parameters))
            {
                failure = "the network loaded does not hold the expected parameters";
            }
        }
        catch (ModelFormatException e)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            outcome = Rejected(e.Reason);
        }
        catch (Exception e)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            outcome = "other: " + e.GetType().Name;
            failure = $"{e.GetType().Name}: {e.Message}";
        }

        if (failure is null && mutant.Allowed is not null && !mutant.Allowed.Contains(outcome))
        {
            failure = $"{outcome}, expected {string.Join(" or ", mutant.Allowed)}";
        }

        return outcome;
    }

    private static IEnumerable<Mutant> Mutants(byte[] file, int seed)
    {
        var random = new Random(seed);
        (string header, byte[] data) = ModelFileBytes.Split(file);
        int headerEnd = 8 + Encoding.UTF8.GetByteCount(header);

        for (int length = 0; length < file.Length; length++)
        {
            yield return new($"truncated to {length} bytes", file[..length], [Rejected(ModelFormatError.Truncated)]);
        }

        for (int i = 0; i < 800; i++)
        {
            // Half the flips land in the header, where the structure is.
            int at = i % 2 == 0 ? random.Next(8, headerEnd) : random.Next(file.Length);
            int bit = random.Next(8);
            byte[] bytes = (byte[])file.Clone();
            bytes[at] ^= (byte)(1 << bit);
            yield return InData($"bit {bit} of byte {at} flipped", bytes, [at]);
        }

        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])file.Clone();
            int count = random.Next(1, 5);
            var where = new List<int>();
            for (int k = 0; k < count; k++)
            {
                int at = random.Next(file.Length);
                bytes[at] = (byte)random.Next(256);
                where.Add(at);
            }

            yield return InData($"random bytes at {string.Join(",", where)}", bytes, where);
        }

        ulong n = (ulong)(headerEnd - 8);
        ulong available = (ulong)file.Length - 8;
        ulong[] lengths = [0, 1, 2, 7, n - 1, n + 1, n - 8, n + 8, available, available + 1, (ulong)file.Length, 1UL << 16, (1UL << 16) + 1, int.MaxValue, 1UL << 31, 1UL << 32, 1UL << 63, ulong.MaxValue];
        foreach (ulong length in lengths.Concat(Enumerable.Range(0, 40).Select(_ => (ulong)random.NextInt64(0, 70_000))))
        {
            byte[] bytes = (byte[])file.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            string[]? allowed = length == 0 ? [Rejected(ModelFormatError.InvalidHeader)]
                : length >= 1UL << 31 ? [Rejected(ModelFormatError.HeaderTooLarge)]
                : length > available ? [Rejected(ModelFormatError.Truncated), Rejected(ModelFormatError.HeaderTooLarge)]
                : null;
            yield return new($"header length {length}", bytes, allowed);
        }

        for (int i = 0; i < header.Length; i++)
        {
            // FastMlp writes spaces only as padding, which the format lets any length be.
            string[]? allowed = header[i] == ' ' ? [Valid] : null;
            byte[]? parameters = header[i] == ' ' ? data : null;
            yield return new($"header char {i} deleted", ModelFileBytes.Build(header.Remove(i, 1), data, pad: false), allowed, parameters);
            yield return new($"header char {i} doubled", ModelFileBytes.Build(header.Insert(i, header[i].ToString()), data, pad: false), allowed, parameters);
        }

        foreach (Match number in Numbers().Matches(header))
        {
            long value = long.Parse(number.Value, System.Globalization.CultureInfo.InvariantCulture);
            string[] variants = [.. s_numberVariants, (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (value - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (value * 2).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            foreach (string variant in variants)
            {
                string edited = string.Concat(header.AsSpan(0, number.Index), variant, header.AsSpan(number.Index + number.Length));
                yield return new($"number '{number.Value}' at {number.Index} -> '{variant}'", ModelFileBytes.Build(edited, data));
            }
        }

        int dtype = 0;
        while ((dtype = header.IndexOf("\"F32\"", dtype + 1, StringComparison.Ordinal)) >= 0)
        {
            foreach (string replacement in s_dtypes)
            {
                string edited = string.Concat(header.AsSpan(0, dtype + 1), replacement, header.AsSpan(dtype + 4));
                yield return new($"dtype at {dtype} -> '{replacement}'", ModelFileBytes.Build(edited, data), [Rejected(ModelFormatError.UnsupportedDtype)]);
            }
        }

        for (int i = 0; i < data.Length / 4; i += 3)
        {
            byte[] bytes = (byte[])file.Clone();
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(headerEnd + (4 * i)), i % 2 == 0 ? float.NaN : float.NegativeInfinity);
            yield return new($"parameter {i} made non-finite", bytes, [Rejected(ModelFormatError.NonFiniteWeight)]);
        }

        for (int count = 1; count <= 16; count++)
        {
            byte[] tail = new byte[count];
            random.NextBytes(tail);
            yield return new($"{count} bytes appended", [.. file, .. tail], [Rejected(ModelFormatError.TrailingBytes)]);
            yield return new($"{count} zero bytes appended", [.. file, .. new byte[count]], [Rejected(ModelFormatError.TrailingBytes)]);
        }

        string[] names = [.. SafetensorsRewriter.Parse(file).Tensors.Select(t => t.Name)];
        string[] keys = [.. SafetensorsRewriter.Parse(file).Metadata.Select(m => m.Key)];
        for (int i = 0; i < 60; i++)
        {
            string[] dataOrder = i % 4 == 0 ? names : [.. names.OrderBy(_ => random.Next())];
            string[] headerOrder = i % 2 == 0 ? dataOrder : [.. names.OrderBy(_ => random.Next())];
            string[] metadataOrder = i % 3 == 0 ? keys : [.. keys.OrderBy(_ => random.Next())];
            var style = new SafetensorsRewriter.Style
            {
                Space = i % 5 == 0 ? "" : s_spaces[random.Next(s_spaces.Length)],
                FieldsReversed = i % 7 == 3,
                Padding = i % 6 == 0 ? null : random.Next(0, 17),
            };
            byte[] bytes = SafetensorsRewriter.Rewrite(file, dataOrder, headerOrder, metadataOrder, style);
            yield return new($"rewritten: data {string.Join(",", dataOrder)}; header {string.Join(",", headerOrder)}; metadata {string.Join(",", metadataOrder)}; space '{style.Space}', fields reversed {style.FieldsReversed}, padding {style.Padding}", bytes, [Valid], data);
        }

        // A change confined to the tensor data gives a network of exactly those bits, unless it made one non-finite.
        Mutant InData(string description, byte[] bytes, IEnumerable<int> changed) => changed.All(at => at >= headerEnd)
            ? new(description, bytes, [Valid, Rejected(ModelFormatError.NonFiniteWeight)], bytes[headerEnd..])
            : new(description, bytes);
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
