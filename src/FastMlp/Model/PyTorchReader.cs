// PyTorchReader: a safetensors file holding the state_dict of an nn.Sequential of nn.Linear layers (the
// layout PyTorchLayout describes, under a key prefix) read into a new Network with the caller's activations.
// The hostile-input rules of SafetensorsReader hold: the header is bounded before it is read, every rule is
// checked on the header (keys, layer indices, shapes, dtypes, offsets tiling the data) before the parameters
// are allocated, the parameters are allocated only once the data is known to be there (seekable) or under
// NonSeekableCap (unknown length), and the data is read through one bounded buffer. F16 and BF16 convert
// exactly to F32 (SafetensorsFloat); a weight [out, in] is transposed into W [in, out] as it is read.
// Every mismatch is a ModelFormatException naming the key(s) and the shapes.
using System.Globalization;

using static FastMlp.SafetensorsReader;

namespace FastMlp;

internal static class PyTorchReader
{
    /// <summary>Bytes of file data converted at a time.</summary>
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The network in <paramref name="stream"/>'s state_dict; <paramref name="activations"/> one per layer, validated by the caller (Softmax only last).</summary>
    public static Network Read(Stream stream, Activation[] activations, string keyPrefix, ModelLoadOptions? options)
    {
        byte[] header = ReadHeaderBytes(stream, out long remaining);
        Header parsed = ParseHeader(header, fastMlpMetadata: false);

        Linear[] layers = MapKeys(parsed, keyPrefix);
        CheckIndices(layers, activations, keyPrefix);
        (int[] sizes, long parameterCount) = CheckShapes(layers);

        // Every tensor's dtype and offsets, then the tiling; slot i is layer i / 2's weight (even) or bias (odd).
        var slots = new Slot[2 * layers.Length];
        var dtypes = new FloatDtype[slots.Length];
        for (int l = 0; l < layers.Length; l++)
        {
            slots[2 * l] = TensorSlot(layers[l].WeightKey, layers[l].Weight!, 2 * l, dtypes);
            slots[(2 * l) + 1] = TensorSlot(layers[l].BiasKey, layers[l].Bias!, (2 * l) + 1, dtypes);
        }

        CheckTiling(slots);
        long dataBytes = checked((long)slots[^1].End);
        CheckDataLength(header.Length, remaining, dataBytes, slots[^1].Name);

        // F16 and BF16 double in memory: from a stream of unknown length the parameters, too, stay under the cap.
        long parameterBytes = 4L * parameterCount;
        if (remaining < 0 && parameterBytes > NonSeekableCap)
        {
            throw Fail(ModelFormatError.ModelTooLarge, $"The parameters need {parameterBytes} bytes as F32; from a stream of unknown length FastMlp reads at most {NonSeekableCap}.");
        }

        Network network = Network.CreateUninitialized(sizes, activations, Network.CommonHidden(activations));
        ReadData(stream, slots, dtypes, network, options is { AllowNonFiniteWeights: true });
        CheckEnd(stream, slots[^1].Name);
        return network;
    }

    /// <summary>The nn.Linear layers the keys name, in module index order; any other key is refused.</summary>
    private static Linear[] MapKeys(Header header, string keyPrefix)
    {
        string[] names = [.. header.Tensors.Keys];
        Array.Sort(names, StringComparer.Ordinal);
        string under = keyPrefix.Length == 0 ? "" : $" under the key prefix \"{keyPrefix}\"";
        if (names.Length == 0)
        {
            throw Fail(ModelFormatError.MissingKey, $"The state_dict has no tensors; it needs <index>.weight and <index>.bias{under} for each nn.Linear.");
        }

        var layers = new SortedDictionary<int, Linear>();
        foreach (string name in names)
        {
            if (!name.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                throw Fail(ModelFormatError.UnknownKey, $"Tensor \"{name}\" does not start with the key prefix \"{keyPrefix}\"{Suggestion(names, keyPrefix)}.");
            }

            int dot = name.IndexOf('.', keyPrefix.Length);
            string field = dot < 0 ? "" : name[(dot + 1)..];
            if (dot < 0 || field is not ("weight" or "bias") || !TryParseIndex(name.AsSpan(keyPrefix.Length, dot - keyPrefix.Length), out int index))
            {
                throw Fail(ModelFormatError.UnknownKey, $"Tensor \"{name}\" is not an nn.Linear's <index>.weight or <index>.bias{under}{Suggestion(names, keyPrefix)}; LoadPyTorch reads an nn.Sequential of nn.Linear layers and parameterless activations.");
            }

            Linear linear = layers.GetValueOrDefault(index) ?? new Linear(index);
            if (field == "weight")
            {
                linear.WeightKey = name;
                linear.Weight = header.Tensors[name];
            }
            else
            {
                linear.BiasKey = name;
                linear.Bias = header.Tensors[name];
            }

            layers[index] = linear;
        }

        foreach (Linear linear in layers.Values)
        {
            if (linear.Weight is null || linear.Bias is null)
            {
                string module = keyPrefix + linear.Index.ToString(CultureInfo.InvariantCulture);
                throw linear.Weight is null
                    ? Fail(ModelFormatError.MissingKey, $"The state_dict has {module}.bias (shape [{Shape(linear.Bias!)}]) but no {module}.weight.")
                    : Fail(ModelFormatError.MissingKey, $"The state_dict has {module}.weight (shape [{Shape(linear.Weight)}]) but no {module}.bias; FastMlp layers have a bias (nn.Linear(..., bias=True)).");
            }
        }

        return [.. layers.Values];
    }

    /// <summary>A decimal module index as torch writes it (no sign, no leading zero), at most int.MaxValue.</summary>
    private static bool TryParseIndex(ReadOnlySpan<char> text, out int index)
    {
        index = 0;
        return text.Length > 0 && text.Length <= 10 && (text[0] != '0' || text.Length == 1)
            && !text.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>"; every key starts with "p": pass keyPrefix "p"" when every key is p + index + .weight/.bias for one p other than <paramref name="keyPrefix"/>; else "".</summary>
    private static string Suggestion(string[] names, string keyPrefix)
    {
        string? common = null;
        foreach (string name in names)
        {
            string? prefix = ModulePrefix(name);
            if (prefix is null || (common is not null && prefix != common))
            {
                return "";
            }

            common = prefix;
        }

        return common is null || common == keyPrefix ? ""
            : common.Length == 0 ? "; the keys have no prefix: pass keyPrefix \"\""
            : $"; every key starts with \"{common}\": pass keyPrefix \"{common}\"";
    }

    /// <summary>What precedes "&lt;index&gt;.weight" or "&lt;index&gt;.bias" in <paramref name="name"/>, or null when it does not end so.</summary>
    private static string? ModulePrefix(string name)
    {
        int dot = name.LastIndexOf('.');
        if (dot < 0 || name[(dot + 1)..] is not ("weight" or "bias"))
        {
            return null;
        }

        int start = dot;
        while (start > 0 && char.IsAsciiDigit(name[start - 1]))
        {
            start--;
        }

        return start == dot || !TryParseIndex(name.AsSpan(start, dot - start), out _) ? null : name[..start];
    }

    /// <summary>One activation per layer, and room for each non-Identity hidden activation's module between its Linear and the next.</summary>
    private static void CheckIndices(Linear[] layers, Activation[] activations, string keyPrefix)
    {
        if (activations.Length != layers.Length)
        {
            string modules = string.Join(", ", layers.Select(x => keyPrefix + x.Index.ToString(CultureInfo.InvariantCulture)));
            throw Fail(ModelFormatError.LayerCountMismatch, $"The state_dict has {layers.Length} nn.Linear layer{(layers.Length == 1 ? "" : "s")} ({modules}) but {activations.Length} activation{(activations.Length == 1 ? " was" : "s were")} given; pass one per layer.");
        }

        for (int l = 0; l + 1 < layers.Length; l++)
        {
            if (activations[l] != Activation.Identity && layers[l + 1].Index - layers[l].Index < 2)
            {
                throw Fail(ModelFormatError.NonConsecutiveLayers, $"Tensors {layers[l].WeightKey} and {layers[l + 1].WeightKey} are modules {layers[l].Index} and {layers[l + 1].Index} of the nn.Sequential, but layer {l}'s activation {activations[l]} is a module ({PyTorchLayout.Module(activations[l])}) between them: no index is left for it.");
            }
        }
    }

    /// <summary>The layer sizes and parameter count, once each weight is [out, in] and each bias [out] (all at least 1) and each layer's in is the previous layer's out.</summary>
    private static (int[] Sizes, long Count) CheckShapes(Linear[] layers)
    {
        int[] sizes = new int[layers.Length + 1];
        long count = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            Linear layer = layers[l];
            ulong[] weight = layer.Weight!.Shape!;
            ulong[] bias = layer.Bias!.Shape!;
            if (weight.Length != 2)
            {
                throw Fail(ModelFormatError.InvalidShape, $"Tensor {layer.WeightKey} has shape [{Shape(layer.Weight)}]; an nn.Linear weight is [out_features, in_features].");
            }

            if (bias.Length != 1)
            {
                throw Fail(ModelFormatError.InvalidShape, $"Tensor {layer.BiasKey} has shape [{Shape(layer.Bias)}]; an nn.Linear bias is [out_features].");
            }

            if (weight[0] is < 1 or > int.MaxValue || weight[1] is < 1 or > int.MaxValue)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, $"Tensor {layer.WeightKey} has shape [{Shape(layer.Weight)}]; every extent must be from 1 to {int.MaxValue}.");
            }

            if (l == 0)
            {
                sizes[0] = (int)weight[1];
            }
            else if (weight[1] != (ulong)sizes[l])
            {
                Linear before = layers[l - 1];
                throw Fail(ModelFormatError.ShapeMismatch, $"Tensor {layer.WeightKey} has shape [{Shape(layer.Weight)}] but {before.WeightKey} has shape [{Shape(before.Weight!)}]: in_features {weight[1]} must equal the previous layer's out_features {sizes[l]}.");
            }

            if (bias[0] != weight[0])
            {
                throw Fail(ModelFormatError.ShapeMismatch, $"Tensor {layer.BiasKey} has shape [{Shape(layer.Bias)}] but {layer.WeightKey} has shape [{Shape(layer.Weight)}]: the bias needs out_features = {weight[0]} entries.");
            }

            sizes[l + 1] = (int)weight[0];

            // Same bound as ParameterLayout, checked here so the Network constructor cannot throw.
            count += ((long)sizes[l] * sizes[l + 1]) + sizes[l + 1];
            if (count > Array.MaxLength - 64)
            {
                throw Fail(ModelFormatError.InvalidArchitecture, $"The layers need more than {Array.MaxLength - 64} parameters by {layer.WeightKey} (shape [{Shape(layer.Weight)}]).");
            }
        }

        return (sizes, count);
    }

    /// <summary>Tensor <paramref name="name"/>'s slot (its index is <paramref name="slot"/>), once its dtype is a float one and its offsets hold its shape.</summary>
    private static Slot TensorSlot(string name, Tensor tensor, int slot, FloatDtype[] dtypes)
    {
        if (SafetensorsFloat.Parse(tensor.Dtype!) is not { } dtype)
        {
            throw Fail(ModelFormatError.UnsupportedDtype, $"Tensor {name} has dtype \"{tensor.Dtype}\"; LoadPyTorch reads F32, F16 and BF16.");
        }

        dtypes[slot] = dtype;
        (ulong begin, ulong end) = CheckOffsets(name, tensor, SafetensorsFloat.Size(dtype));
        return new Slot(name, begin, end, slot);
    }

    /// <summary>
    /// Reads the tensors in data order through one buffer, converting each chunk to F32 and placing it: bias
    /// element o at b[o], weight element (o, i) at W[i, o]. A non-finite value is refused (unless allowed) as
    /// soon as it is read, naming its tensor and element.
    /// </summary>
    private static void ReadData(Stream stream, Slot[] slots, FloatDtype[] dtypes, Network network, bool allowNonFinite)
    {
        ParameterLayout layout = network.Layout;
        Span<float> parameters = network.Parameters;
        long total = (long)slots[^1].End;
        byte[] buffer = new byte[(int)Math.Min(ChunkBytes, Math.Max(total, 4))];
        float[] values = new float[buffer.Length / 2];
        foreach (Slot slot in slots)
        {
            int l = slot.Parameter / 2;
            bool weight = slot.Parameter % 2 == 0;
            FloatDtype dtype = dtypes[slot.Parameter];
            int size = SafetensorsFloat.Size(dtype);
            int inputs = layout.In(l), outputs = layout.Out(l);
            Span<float> destination = weight ? parameters.Slice(layout.WeightOffset(l), inputs * outputs) : parameters.Slice(layout.BiasOffset(l), outputs);
            long elements = (long)(slot.End - slot.Begin) / size;

            // (o, i): the file position of the next element ([out, in] row-major for a weight, [out] for a bias).
            int o = 0, i = 0;
            for (long first = 0; first < elements; first += buffer.Length / size)
            {
                int count = (int)Math.Min(buffer.Length / size, elements - first);
                Span<byte> bytes = buffer.AsSpan(0, count * size);
                int got = ReadFully(stream, bytes);
                if (got < bytes.Length)
                {
                    throw Fail(ModelFormatError.Truncated, $"The data ends inside tensor {slot.Name}: {slot.Begin + (ulong)(first * size) + (ulong)got} of {total} bytes.");
                }

                Span<float> converted = values.AsSpan(0, count);
                SafetensorsFloat.ToSingle(bytes, dtype, converted);
                foreach (float value in converted)
                {
                    if (!allowNonFinite && !float.IsFinite(value))
                    {
                        string element = weight ? $"[{o}, {i}]" : $"[{o}]";
                        throw Fail(ModelFormatError.NonFiniteWeight, $"Tensor {slot.Name} holds {value} at element {element}; pass AllowNonFiniteWeights to accept NaN and infinities.");
                    }

                    if (weight)
                    {
                        destination[(i * outputs) + o] = value;
                        if (++i == inputs)
                        {
                            i = 0;
                            o++;
                        }
                    }
                    else
                    {
                        destination[o++] = value;
                    }
                }
            }
        }
    }

    private static string Shape(Tensor tensor) => string.Join(", ", tensor.Shape!);

    /// <summary>One nn.Linear: its module index and its two tensors as the header names them.</summary>
    private sealed class Linear(int index)
    {
        public int Index { get; } = index;

        public string WeightKey { get; set; } = "";

        public Tensor? Weight { get; set; }

        public string BiasKey { get; set; } = "";

        public Tensor? Bias { get; set; }
    }
}
