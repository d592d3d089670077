// SafetensorsReader: validates a FastMlp safetensors file and reads it into a new Network. Every rule is
// checked on the header (at most MaxHeaderLength(data bytes)) before the parameters are allocated, with
// checked arithmetic, and the parameters are allocated only once the header proved their size matches
// the bytes left (seekable streams) or is under NonSeekableCap (pipes, sockets). The tensors may come in
// any order, as the format allows (the reference writer sorts them by dtype, then name: W1, W10, W2, ...,
// b1, ...), as long as their data_offsets tile the data exactly: no hole, no overlap (the reference
// implementation's Metadata::validate). Each tensor is read straight into its place in Parameters. Each
// failure is a ModelFormatException naming the tensor or field; stream shortfalls never surface as
// EndOfStreamException.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace FastMlp;

internal static class SafetensorsReader
{
    /// <summary>Header bytes any file may have, whatever its data (FastMlp's header for a few hundred layers).</summary>
    public const int HeaderBase = 64 * 1024;

    /// <summary>
    /// Header bytes allowed per byte of tensor data. FastMlp writes at most 202 header bytes per layer (102 fixed
    /// characters for W, b and the layer_sizes entry, and 10 numbers of at most 10 digits: 2 names, 3 extents, 4
    /// offsets below 4 · 2^31, 1 size), and every layer has at least 8 bytes of data (W and b hold at least one
    /// F32 each), so 32 per data byte (256 per layer) holds every header FastMlp writes, with room for whitespace.
    /// </summary>
    public const int HeaderBytesPerDataByte = 32;

    /// <summary>The most parameter bytes read from a stream whose length is unknown.</summary>
    public const long NonSeekableCap = 512L * 1024 * 1024;

    /// <summary>Root object → tensor object → shape array; one more level is malformed.</summary>
    private const int MaxDepth = 3;

    // Every key a version may hold; which ones a version must hold (and may hold) is VersionKeys.
    private static readonly string[] s_metadataKeys = ["format", "format_version", "layer_sizes", "hidden_activation", "output_activation", "activations"];

    /// <summary>The longest header a model with <paramref name="dataBytes"/> bytes of tensor data may have.</summary>
    public static long MaxHeaderLength(long dataBytes) => Math.Min(Array.MaxLength, HeaderBase + (HeaderBytesPerDataByte * dataBytes));

    public static Network Read(Stream stream, ModelLoadOptions? options)
    {
        byte[] header = ReadHeaderBytes(stream, out long remaining);

        Header parsed = ParseHeader(header, fastMlpMetadata: true);
        Architecture architecture = ValidateMetadata(parsed);
        Slot[] slots = ValidateTensors(parsed, architecture);

        long dataBytes = checked(architecture.ParameterCount * 4);
        CheckDataLength(header.Length, remaining, dataBytes, slots[^1].Name);

        Network network = Network.CreateUninitialized(architecture.Sizes, architecture.Activations, architecture.Hidden);
        Span<float> parameters = network.Parameters;
        foreach (Slot slot in slots)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(parameters.Slice(slot.Parameter, (int)((slot.End - slot.Begin) / 4)));
            int got = ReadFully(stream, bytes);
            if (got < bytes.Length)
            {
                throw Fail(ModelFormatError.Truncated, $"The data ends inside tensor {slot.Name}: {slot.Begin + (ulong)got} of {dataBytes} bytes.");
            }
        }

        CheckEnd(stream, slots[^1].Name);

        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(parameters);
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        if (options is not { AllowNonFiniteWeights: true })
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                if (!float.IsFinite(parameters[i]))
                {
                    throw Fail(ModelFormatError.NonFiniteWeight, $"Tensor {TensorAt(network.Layout, i)} holds {parameters[i]} at element {ElementIn(network.Layout, i)}; pass AllowNonFiniteWeights to accept NaN and infinities.");
                }
            }
        }

        return network;
    }

    /// <summary>
    /// Refuses a header longer than MaxHeaderLength(<paramref name="dataBytes"/>), data that the bytes after the
    /// header (<paramref name="remaining"/>, -1 when unknown) do not hold exactly, or, from a stream of unknown
    /// length, more than NonSeekableCap: all before the parameters are allocated.
    /// </summary>
    internal static void CheckDataLength(int headerLength, long remaining, long dataBytes, string last)
    {
        if (headerLength > MaxHeaderLength(dataBytes))
        {
            throw Fail(ModelFormatError.HeaderTooLarge, $"The header has {headerLength} bytes; a model with {dataBytes} bytes of tensor data may have at most {MaxHeaderLength(dataBytes)} ({HeaderBase} + {HeaderBytesPerDataByte} per data byte).");
        }

        if (remaining >= 0)
        {
            if (remaining < dataBytes)
            {
                throw Fail(ModelFormatError.Truncated, $"The tensors need {dataBytes} bytes but only {remaining} follow the header.");
            }

            if (remaining > dataBytes)
            {
                throw Fail(ModelFormatError.TrailingBytes, $"{remaining - dataBytes} bytes follow the last tensor ({last}).");
            }
        }
        else if (dataBytes > NonSeekableCap)
        {
            throw Fail(ModelFormatError.ModelTooLarge, $"The tensors need {dataBytes} bytes; from a stream of unknown length FastMlp reads at most {NonSeekableCap}.");
        }
    }

    /// <summary>Refuses any byte after the last tensor (a stream of unknown length was not checked up front).</summary>
    internal static void CheckEnd(Stream stream, string last)
    {
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw Fail(ModelFormatError.TrailingBytes, $"Bytes follow the last tensor ({last}).");
        }
    }

    /// <summary>
    /// Reads the 8-byte length and the header bytes, refusing a length the stream cannot hold or larger than
    /// MaxHeaderLength allows for the data after it, before anything that size is allocated.
    /// <paramref name="remaining"/> is the bytes left after the header, or -1 when the stream's length is unknown.
    /// </summary>
    internal static byte[] ReadHeaderBytes(Stream stream, out long remaining)
    {
        remaining = stream.CanSeek ? stream.Length - stream.Position : -1;

        Span<byte> prefix = stackalloc byte[8];
        int got = ReadFully(stream, prefix);
        if (got < 8)
        {
            throw Fail(ModelFormatError.Truncated, $"The model file has {got} bytes; the 8-byte header length needs at least 8.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (remaining >= 0)
        {
            // The data is whatever follows the header, so its length bounds the header before any of it is read.
            remaining -= 8;
            long dataBound = headerLength >= (ulong)remaining ? 0 : remaining - (long)headerLength;
            if (headerLength > (ulong)MaxHeaderLength(dataBound))
            {
                throw Fail(ModelFormatError.HeaderTooLarge, $"The header length is {headerLength} bytes; with {dataBound} bytes of tensor data after it a header may have at most {MaxHeaderLength(dataBound)} ({HeaderBase} + {HeaderBytesPerDataByte} per data byte).");
            }

            if (headerLength > (ulong)remaining)
            {
                throw Fail(ModelFormatError.Truncated, $"The header length is {headerLength} bytes but only {remaining} follow.");
            }
        }
        else if (headerLength > (ulong)MaxHeaderLength(NonSeekableCap))
        {
            // Unknown length: the buffer grows only as bytes arrive (ReadHeader); the exact limit is checked once the header is parsed.
            throw Fail(ModelFormatError.HeaderTooLarge, $"The header length is {headerLength} bytes; from a stream of unknown length a header may have at most {MaxHeaderLength(NonSeekableCap)}.");
        }

        byte[] header = ReadHeader(stream, (int)headerLength, knownLength: remaining >= 0);
        if (remaining >= 0)
        {
            remaining -= header.Length;
        }

        return header;
    }

    /// <summary>
    /// The header bytes. When the stream's length is unknown the buffer grows by doubling from 4 KiB as data
    /// arrives, so a lying header length costs at most twice the bytes actually there.
    /// </summary>
    private static byte[] ReadHeader(Stream stream, int length, bool knownLength)
    {
        byte[] header = new byte[knownLength ? length : Math.Min(length, 4096)];
        int got = ReadFully(stream, header);
        while (got == header.Length && header.Length < length)
        {
            Array.Resize(ref header, (int)Math.Min((long)header.Length * 2, length));
            got += ReadFully(stream, header.AsSpan(got));
        }

        if (got < length)
        {
            throw Fail(ModelFormatError.Truncated, $"The header length is {length} bytes but the data ends after {got}.");
        }

        return header;
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the stream ends; returns the bytes read.</summary>
    internal static int ReadFully(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            // Chunks of at most 1 MiB: some streams misbehave on huge single reads.
            int n = stream.Read(destination.Slice(total, Math.Min(destination.Length - total, 1 << 20)));
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static string TensorAt(ParameterLayout layout, int index)
    {
        for (int l = 0; l < layout.Layers; l++)
        {
            if (index < layout.BiasOffset(l))
            {
                return "W" + (l + 1).ToString(CultureInfo.InvariantCulture);
            }

            if (index < layout.BiasOffset(l) + layout.Out(l))
            {
                return "b" + (l + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        return "b" + layout.Layers.ToString(CultureInfo.InvariantCulture);
    }

    private static int ElementIn(ParameterLayout layout, int index)
    {
        for (int l = layout.Layers - 1; l >= 0; l--)
        {
            if (index >= layout.BiasOffset(l))
            {
                return index - layout.BiasOffset(l);
            }

            if (index >= layout.WeightOffset(l))
            {
                return index - layout.WeightOffset(l);
            }
        }

        return index;
    }

    internal static ModelFormatException Fail(ModelFormatError reason, string message) => new(reason, message);

    /// <summary>
    /// The header's tensors and metadata, structurally valid. <paramref name="fastMlpMetadata"/>: only FastMlp's
    /// metadata keys are allowed; otherwise any string-to-string metadata (a PyTorch file's) is.
    /// </summary>
    internal static Header ParseHeader(byte[] header, bool fastMlpMetadata)
    {
        if (!Utf8.IsValid(header))
        {
            throw Fail(ModelFormatError.InvalidHeader, "The header is not valid UTF-8.");
        }

        var options = new JsonReaderOptions { MaxDepth = MaxDepth + 1, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

        // Pass 1: well-formed JSON, one root value, no deeper than MaxDepth.
        try
        {
            var scan = new Utf8JsonReader(header, options);
            while (scan.Read())
            {
                if (scan.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && scan.CurrentDepth >= MaxDepth)
                {
                    throw Fail(ModelFormatError.InvalidHeader, $"The header JSON is nested too deep (more than {MaxDepth} levels) at byte {scan.TokenStartIndex}.");
                }
            }
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(ModelFormatError.InvalidHeader, $"The header is not well-formed JSON: {e.Message}", e);
        }

        // Pass 2: the structure.
        try
        {
            var reader = new Utf8JsonReader(header, options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail(ModelFormatError.InvalidHeader, "The header is not a JSON object.");
            }

            var parsed = new Header();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                if (!seen.Add(key))
                {
                    throw Fail(ModelFormatError.DuplicateKey, $"The header has key \"{key}\" twice.");
                }

                reader.Read();
                if (key == "__metadata__")
                {
                    parsed.Metadata = ParseMetadata(ref reader, fastMlpMetadata);
                }
                else
                {
                    parsed.Tensors.Add(key, ParseTensor(ref reader, key));
                }
            }

            return parsed;
        }
        catch (InvalidOperationException e)
        {
            // A string that cannot be transcoded (an escaped lone surrogate).
            throw new ModelFormatException(ModelFormatError.InvalidHeader, $"The header has an invalid string: {e.Message}", e);
        }
    }

    private static Dictionary<string, string> ParseMetadata(ref Utf8JsonReader reader, bool fastMlpMetadata)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(ModelFormatError.InvalidMetadata, "__metadata__ is not a JSON object.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            if (metadata.ContainsKey(key))
            {
                throw Fail(ModelFormatError.DuplicateKey, $"__metadata__ has key \"{key}\" twice.");
            }

            if (fastMlpMetadata && Array.IndexOf(s_metadataKeys, key) < 0)
            {
                throw Fail(ModelFormatError.UnknownKey, $"__metadata__ has unknown key \"{key}\".");
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Fail(ModelFormatError.InvalidMetadata, $"__metadata__.{key} is not a string (safetensors metadata maps strings to strings).");
            }

            metadata.Add(key, reader.GetString()!);
        }

        return metadata;
    }

    private static Tensor ParseTensor(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(ModelFormatError.InvalidHeader, $"Tensor {name} is not a JSON object.");
        }

        var tensor = new Tensor();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "dtype":
                    if (tensor.Dtype is not null)
                    {
                        throw Fail(ModelFormatError.DuplicateKey, $"Tensor {name} has key \"dtype\" twice.");
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Fail(ModelFormatError.UnsupportedDtype, $"Tensor {name}: dtype is not a string.");
                    }

                    tensor.Dtype = reader.GetString()!;
                    break;
                case "shape":
                    if (tensor.Shape is not null)
                    {
                        throw Fail(ModelFormatError.DuplicateKey, $"Tensor {name} has key \"shape\" twice.");
                    }

                    tensor.Shape = ReadIntegers(ref reader, name, "shape", ModelFormatError.InvalidShape);
                    if (tensor.Shape.Length is < 1 or > 2)
                    {
                        throw Fail(ModelFormatError.InvalidShape, $"Tensor {name}: shape has {tensor.Shape.Length} dimensions; FastMlp tensors have 1 or 2.");
                    }

                    break;
                case "data_offsets":
                    if (tensor.Offsets is not null)
                    {
                        throw Fail(ModelFormatError.DuplicateKey, $"Tensor {name} has key \"data_offsets\" twice.");
                    }

                    tensor.Offsets = ReadIntegers(ref reader, name, "data_offsets", ModelFormatError.InvalidOffsets);
                    if (tensor.Offsets.Length != 2)
                    {
                        throw Fail(ModelFormatError.InvalidOffsets, $"Tensor {name}: data_offsets has {tensor.Offsets.Length} entries, not [begin, end].");
                    }

                    break;
                default:
                    throw Fail(ModelFormatError.UnknownKey, $"Tensor {name} has unknown key \"{key}\".");
            }
        }

        if (tensor.Dtype is null || tensor.Shape is null || tensor.Offsets is null)
        {
            string missing = tensor.Dtype is null ? "dtype" : tensor.Shape is null ? "shape" : "data_offsets";
            throw Fail(ModelFormatError.MissingKey, $"Tensor {name} has no \"{missing}\".");
        }

        return tensor;
    }

    /// <summary>A JSON array of at most 3 non-negative integers (3 so a too-long shape is reported as such).</summary>
    private static ulong[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, ModelFormatError reason)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail(reason, $"Tensor {name}: {field} is not an array.");
        }

        Span<ulong> values = stackalloc ulong[3];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == values.Length)
            {
                throw Fail(reason, $"Tensor {name}: {field} has more than 2 entries.");
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
            {
                throw Fail(reason, $"Tensor {name}: {field} entry {count} is not a non-negative integer.");
            }

            values[count++] = value;
        }

        return values[..count].ToArray();
    }

    private static Architecture ValidateMetadata(Header header)
    {
        if (header.Metadata is not { } metadata)
        {
            throw Fail(ModelFormatError.MissingKey, "The header has no __metadata__; it is not a FastMlp model.");
        }

        if (!metadata.TryGetValue("format", out string? format))
        {
            throw Fail(ModelFormatError.MissingKey, "__metadata__ has no \"format\"; it is not a FastMlp model.");
        }

        if (format != SafetensorsWriter.FormatName)
        {
            throw Fail(ModelFormatError.WrongFormat, $"__metadata__.format is \"{format}\", not \"{SafetensorsWriter.FormatName}\".");
        }

        if (!metadata.TryGetValue("format_version", out string? version))
        {
            throw Fail(ModelFormatError.MissingKey, "__metadata__ has no \"format_version\".");
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
        {
            // Digits too many for an int are still a (much) newer version.
            if (version.Length > 0 && version.All(char.IsAsciiDigit) && version.TrimStart('0').Length > 9)
            {
                throw Fail(ModelFormatError.NewerVersion, $"__metadata__.format_version is {version}: written by a newer FastMlp (this one reads version {SafetensorsWriter.FormatVersion}).");
            }

            throw Fail(ModelFormatError.InvalidMetadata, $"__metadata__.format_version \"{version}\" is not a positive integer.");
        }

        if (v > SafetensorsWriter.FormatVersion)
        {
            throw Fail(ModelFormatError.NewerVersion, $"__metadata__.format_version is {v}: written by a newer FastMlp (this one reads version {SafetensorsWriter.FormatVersion}).");
        }

        string[] keys = VersionKeys(v);
        foreach (string key in keys)
        {
            if (!metadata.ContainsKey(key))
            {
                throw Fail(ModelFormatError.MissingKey, $"__metadata__ has no \"{key}\".");
            }
        }

        foreach (string key in metadata.Keys)
        {
            if (Array.IndexOf(keys, key) < 0)
            {
                throw Fail(ModelFormatError.UnknownKey, $"__metadata__ has key \"{key}\", which format_version {v} does not have.");
            }
        }

        string[] parts = metadata["layer_sizes"].Split(',');
        int[] sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out sizes[i]))
            {
                throw Fail(ModelFormatError.InvalidMetadata, $"__metadata__.layer_sizes entry {i} (\"{parts[i]}\") is not an integer.");
            }

            if (sizes[i] < 1)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, $"__metadata__.layer_sizes entry {i} is {sizes[i]}; every layer needs at least 1 unit.");
            }
        }

        if (sizes.Length < 2)
        {
            throw Fail(ModelFormatError.InvalidArchitecture, $"__metadata__.layer_sizes has {sizes.Length} size; a network needs at least 2 (inputs and outputs).");
        }

        Activation[] activations;
        Activation? hidden;
        if (v == 1)
        {
            Activation common = ParseActivation(metadata["hidden_activation"], "hidden_activation");
            Activation output = ParseActivation(metadata["output_activation"], "output_activation");
            if (common == Activation.Softmax && sizes.Length > 2)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, "__metadata__.hidden_activation is Softmax; Softmax is only supported on the output layer.");
            }

            activations = new Activation[sizes.Length - 1];
            Array.Fill(activations, common);
            activations[^1] = output;
            hidden = common;
        }
        else
        {
            string[] names = metadata["activations"].Split(',');
            if (names.Length != sizes.Length - 1)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, $"__metadata__.activations has {names.Length} entries; {sizes.Length} layer sizes make {sizes.Length - 1} layers, which need one each.");
            }

            activations = new Activation[names.Length];
            for (int l = 0; l < names.Length; l++)
            {
                activations[l] = ParseActivation(names[l], "activations");
                if (activations[l] == Activation.Softmax && l < names.Length - 1)
                {
                    throw Fail(ModelFormatError.InvalidArchitecture, $"__metadata__.activations entry {l} is Softmax; Softmax is only supported on the output layer.");
                }
            }

            hidden = Network.CommonHidden(activations);
        }

        // Same bound as ParameterLayout, checked here so the constructor cannot throw.
        long count = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            count += ((long)sizes[l] * sizes[l + 1]) + sizes[l + 1];
            if (count > Array.MaxLength - 64)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, $"__metadata__.layer_sizes need more than {Array.MaxLength - 64} parameters by layer {l + 1}.");
            }
        }

        return new Architecture(sizes, activations, hidden, count);
    }

    /// <summary>The metadata keys a file of format_version <paramref name="version"/> holds, all of them and no others.</summary>
    private static string[] VersionKeys(int version) => version == 1
        ? ["format", "format_version", "layer_sizes", "hidden_activation", "output_activation"]
        : ["format", "format_version", "layer_sizes", "activations"];

    private static Activation ParseActivation(string name, string field)
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            if (name == activation.ToString())
            {
                return activation;
            }
        }

        throw Fail(ModelFormatError.UnknownActivation, $"__metadata__.{field} \"{name}\" is not an Activation ({string.Join(", ", Enum.GetNames<Activation>())}).");
    }

    /// <summary>Each tensor's place in the data and in Parameters, in data order, once every tensor is valid and their offsets tile the data.</summary>
    private static Slot[] ValidateTensors(Header header, Architecture architecture)
    {
        int[] sizes = architecture.Sizes;
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var slots = new Slot[2 * (sizes.Length - 1)];
        int parameter = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            string w = "W" + l.ToString(CultureInfo.InvariantCulture);
            string b = "b" + l.ToString(CultureInfo.InvariantCulture);
            expected.Add(w);
            expected.Add(b);
            slots[(2 * l) - 2] = Check(header, w, [(ulong)sizes[l - 1], (ulong)sizes[l]], parameter);
            parameter += sizes[l - 1] * sizes[l];
            slots[(2 * l) - 1] = Check(header, b, [(ulong)sizes[l]], parameter);
            parameter += sizes[l];
        }

        foreach (string name in header.Tensors.Keys)
        {
            if (!expected.Contains(name))
            {
                throw Fail(ModelFormatError.UnknownKey, $"The header has tensor \"{name}\", which a network of layer sizes [{string.Join(", ", sizes)}] does not have.");
            }
        }

        CheckTiling(slots);
        return slots;
    }

    /// <summary>
    /// Sorts <paramref name="slots"/> by their offsets and checks that each tensor begins where the one before it
    /// ends, the first at 0: no hole, no overlap.
    /// </summary>
    internal static void CheckTiling(Slot[] slots)
    {
        Array.Sort(slots, static (x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
        ulong end = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            Slot slot = slots[i];
            if (slot.Begin < end)
            {
                Slot before = slots[i - 1];
                throw Fail(ModelFormatError.InvalidOffsets, $"Tensor {slot.Name}: data_offsets [{slot.Begin}, {slot.End}) overlap tensor {before.Name} [{before.Begin}, {before.End}); the tensors must tile the data exactly.");
            }

            if (slot.Begin > end)
            {
                string previous = i == 0 ? "no tensor begins at 0" : $"tensor {slots[i - 1].Name} ends at {end}";
                throw Fail(ModelFormatError.InvalidOffsets, $"Tensor {slot.Name}: data_offsets begin at {slot.Begin}, but {previous}: bytes [{end}, {slot.Begin}) belong to no tensor.");
            }

            end = slot.End;
        }
    }

    /// <summary>Tensor <paramref name="name"/>'s slot, once its dtype, shape and offset length are valid.</summary>
    private static Slot Check(Header header, string name, ulong[] expectedShape, int parameter)
    {
        if (!header.Tensors.TryGetValue(name, out Tensor? tensor))
        {
            throw Fail(ModelFormatError.MissingKey, $"The header has no tensor {name}.");
        }

        if (tensor.Dtype != "F32")
        {
            throw Fail(ModelFormatError.UnsupportedDtype, $"Tensor {name} has dtype \"{tensor.Dtype}\"; FastMlp reads F32 only.");
        }

        (ulong start, ulong end) = CheckOffsets(name, tensor, elementSize: 4);
        if (!tensor.Shape!.AsSpan().SequenceEqual(expectedShape))
        {
            throw Fail(ModelFormatError.ArchitectureMismatch, $"Tensor {name} has shape [{string.Join(", ", tensor.Shape!)}] but the layer sizes need [{string.Join(", ", expectedShape)}].");
        }

        return new Slot(name, start, end, parameter);
    }

    /// <summary>Tensor <paramref name="name"/>'s data_offsets, once they hold exactly its shape's elements of <paramref name="elementSize"/> bytes (checked: no product overflows).</summary>
    internal static (ulong Begin, ulong End) CheckOffsets(string name, Tensor tensor, int elementSize)
    {
        ulong elements = 1;
        try
        {
            foreach (ulong extent in tensor.Shape!)
            {
                elements = checked(elements * extent);
            }

            _ = checked(elements * (ulong)elementSize);
        }
        catch (OverflowException)
        {
            throw Fail(ModelFormatError.InvalidShape, $"Tensor {name}: the product of shape [{string.Join(", ", tensor.Shape!)}] overflows.");
        }

        ulong start = tensor.Offsets![0];
        ulong end = tensor.Offsets[1];
        if (end < start || end - start != elements * (ulong)elementSize)
        {
            throw Fail(ModelFormatError.InvalidOffsets, $"Tensor {name}: data_offsets [{start}, {end}) do not hold shape [{string.Join(", ", tensor.Shape!)}] × {elementSize} bytes = {elements * (ulong)elementSize}.");
        }

        return (start, end);
    }

    /// <summary>A tensor's bytes [Begin, End) in the data and its first element in Parameters (or, for another layout, the reader's own index).</summary>
    internal readonly record struct Slot(string Name, ulong Begin, ulong End, int Parameter);

    internal sealed class Header
    {
        public Dictionary<string, string>? Metadata { get; set; }

        public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class Tensor
    {
        public string? Dtype { get; set; }

        public ulong[]? Shape { get; set; }

        public ulong[]? Offsets { get; set; }
    }

    private sealed record Architecture(int[] Sizes, Activation[] Activations, Activation? Hidden, long ParameterCount);
}
