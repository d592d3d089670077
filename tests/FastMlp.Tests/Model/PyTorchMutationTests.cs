// PyTorchMutationTests: thousands of seeded mutations of valid state_dict files (issue 15: LoadPyTorch is as
// hostile-input safe as Network.Load): files SavePyTorch writes (with and without a key prefix), hand-built
// F16/BF16/mixed-dtype files and the torch-made fixtures. Every truncation must be refused as Truncated; bit
// flips, random bytes, deleted, doubled or inserted header characters, edited numbers and other header lengths
// must give a Network or a ModelFormatException, never another exception; a bit flip in the data must load or
// be refused as NonFiniteWeight; a byte appended is TrailingBytes. Every load allocates at most a few times the file size plus a
// constant, and a third of them read from a non-seekable stream with short reads.
using System.Buffers.Binary;
using System.Text;

using FastMlp.Tests.Data;
using FastMlp.Tests.Infrastructure;

using Xunit.Abstractions;

namespace FastMlp.Tests.Model;

public sealed class PyTorchMutationTests(ITestOutputHelper output)
{
    private const long AllocationConstant = 64 * 1024;

    private static readonly string[] s_numbers = ["0", "1", "-1", "1.5", "1e3", "4294967296", "18446744073709551616", "99999999999999999999999"];

    [Fact]
    public void Every_mutant_loads_or_is_a_ModelFormatException()
    {
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        int cases = 0;
        long worstExtra = 0;
        foreach ((string name, byte[] file, Activation[] activations, string prefix) in ValidFiles())
        {
            // The valid file loads; its mutants are then judged.
            PyTorchFiles.Load(file, activations, prefix);
            foreach ((string description, byte[] bytes, string[]? expected) in Mutants(file, seed: cases))
            {
                bool seekable = cases++ % 3 != 0;
                string outcome = Load(bytes, activations, prefix, seekable, out long allocated);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                worstExtra = Math.Max(worstExtra, allocated - bytes.Length);
                if (outcome.StartsWith("other", StringComparison.Ordinal) || (expected is not null && !expected.Contains(outcome)))
                {
                    failures.Add($"{name}, {description}{(seekable ? "" : " (non-seekable)")}: {outcome}{(expected is null ? "" : $", expected {string.Join(" or ", expected)}")}");
                }

                if (allocated > (8L * bytes.Length) + AllocationConstant)
                {
                    failures.Add($"{name}, {description}: {allocated} bytes allocated for a {bytes.Length}-byte file");
                }
            }
        }

        output.WriteLine($"{cases} mutation loads; worst allocation beyond the file size: {worstExtra} bytes");
        foreach ((string outcome, int count) in outcomes)
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} loads misbehaved:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(cases > 5000 && outcomes.GetValueOrDefault("valid") > 500, $"only {cases} cases, {outcomes.GetValueOrDefault("valid")} valid");
    }

    private static IEnumerable<(string Name, byte[] File, Activation[] Activations, string Prefix)> ValidFiles()
    {
        Activation[] three = [Activation.Gelu, Activation.Identity, Activation.Softmax];
        Network network = PyTorchFiles.Exact([3, 4, 2, 3], three, seed: 2);
        yield return ("SavePyTorch", PyTorchFiles.Save(network), three, "");
        yield return ("SavePyTorch mlp.", PyTorchFiles.Save(network, "mlp."), three, "mlp.");
        yield return ("F16", PyTorchFiles.Build(PyTorchFiles.StateDict(network, "F16")), three, "");
        List<PyTorchFiles.Entry> mixed = PyTorchFiles.StateDict(network, "BF16", "model.");
        mixed[0] = mixed[0] with { Dtype = "F32" };
        mixed[3] = mixed[3] with { Dtype = "F16" };
        yield return ("mixed", PyTorchFiles.Build(mixed, new Dictionary<string, string> { ["format"] = "pt" }), three, "model.");

        string directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch");
        foreach (string file in new[] { "nested-F32.safetensors", "dropout-BF16.safetensors", "relu-softmax-F16.safetensors" })
        {
            Activation[] activations = file.StartsWith("nested", StringComparison.Ordinal) ? [Activation.Relu, Activation.Tanh, Activation.Identity]
                : file.StartsWith("dropout", StringComparison.Ordinal) ? [Activation.Relu, Activation.Identity, Activation.Tanh]
                : [Activation.Relu, Activation.Softmax];
            yield return (file, File.ReadAllBytes(Path.Combine(directory, file)), activations, file.StartsWith("nested", StringComparison.Ordinal) ? "mlp." : "");
        }
    }

    /// <summary>Mutants of <paramref name="file"/>, each with the outcomes it may have (null: valid or any ModelFormatException).</summary>
    private static IEnumerable<(string Description, byte[] Bytes, string[]? Expected)> Mutants(byte[] file, int seed)
    {
        var random = new Random(seed);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        for (int length = 0; length < file.Length; length++)
        {
            yield return ($"truncated to {length} bytes", file[..length], ["ModelFormatException: Truncated"]);
        }

        for (int i = 0; i < 600; i++)
        {
            int at = i % 2 == 0 ? random.Next(8, headerEnd) : random.Next(file.Length);
            byte[] bytes = (byte[])file.Clone();
            bytes[at] ^= (byte)(1 << random.Next(8));
            yield return ($"a bit of byte {at} flipped", bytes, at >= headerEnd ? ["valid", "ModelFormatException: NonFiniteWeight"] : null);
        }

        for (int i = 0; i < 150; i++)
        {
            byte[] bytes = (byte[])file.Clone();
            for (int k = random.Next(1, 5); k > 0; k--)
            {
                bytes[random.Next(file.Length)] = (byte)random.Next(256);
            }

            yield return ("random bytes", bytes, null);
        }

        // Header characters deleted, doubled or inserted, with the length field kept or fixed up.
        string header = Encoding.UTF8.GetString(file, 8, headerEnd - 8);
        byte[] data = file[headerEnd..];
        for (int i = 0; i < 150; i++)
        {
            int at = random.Next(header.Length);
            string edited = (i % 3) switch
            {
                0 => header.Remove(at, 1),
                1 => header.Insert(at, header[at].ToString()),
                _ => header.Insert(at, "\"{}[],:0 "[random.Next(9)].ToString()),
            };
            yield return ($"header edit {i % 3} at {at}", ModelFileBytes.Build(edited, data, pad: i % 2 == 0), null);
        }

        // Every number in the header replaced by another.
        int index = 0;
        foreach (System.Text.RegularExpressions.Match number in System.Text.RegularExpressions.Regex.Matches(header, "[0-9]+"))
        {
            string replacement = s_numbers[index++ % s_numbers.Length];
            string edited = string.Concat(header.AsSpan(0, number.Index), replacement, header.AsSpan(number.Index + number.Length));
            yield return ($"number at {number.Index} as {replacement}", ModelFileBytes.Build(edited, data), null);
        }

        foreach (ulong length in new ulong[] { 0, 1, 7, (ulong)(headerEnd - 9), (ulong)(headerEnd - 7), (ulong)file.Length, 1UL << 31, ulong.MaxValue })
        {
            byte[] bytes = (byte[])file.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            yield return ($"header length {length}", bytes, null);
        }

        yield return ("a byte appended", [.. file, 0], ["ModelFormatException: TrailingBytes"]);
    }

    /// <summary>"valid", "ModelFormatException: Reason" or "other: Type: message"; the bytes allocated by the load.</summary>
    private static string Load(byte[] bytes, Activation[] activations, string prefix, bool seekable, out long allocated)
    {
        Stream stream = seekable ? new MemoryStream(bytes, writable: false) : new NonSeekableStream(bytes, maxRead: 13);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Network.LoadPyTorch(stream, activations, prefix);
            return "valid";
        }
        catch (ModelFormatException e)
        {
            return "ModelFormatException: " + e.Reason;
        }
        catch (Exception e)
        {
            return $"other: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
