// Network.PyTorch: LoadPyTorch and SavePyTorch read and write the state_dict of an nn.Sequential of
// nn.Linear layers and parameterless activation modules as safetensors, the file
// safetensors.torch.save_file(model.state_dict(), path) writes (PyTorchLayout, PyTorchReader, PyTorchWriter).
// A state_dict holds no activations, so the caller names them. Saving only reads the parameters, so it may
// run while other threads predict; saving to a path is atomic, as Save(string) is.
using System.Buffers;
using System.Text;

namespace FastMlp;

public sealed partial class Network
{
    /// <summary>
    /// Reads the safetensors state_dict of an nn.Sequential of nn.Linear layers, as
    /// <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes it: keys <c>&lt;index&gt;.weight</c>
    /// [out_features, in_features] (the transpose of W) and <c>&lt;index&gt;.bias</c> [out_features] for each Linear,
    /// its module index in the Sequential. F32, F16 and BF16 tensors load, converted exactly to F32. Parameterless
    /// modules (the activations, nn.Dropout, nn.Flatten) take an index but hold no key; each non-Identity hidden
    /// activation needs an index between its Linear and the next. Non-finite weights are refused. Reads to the end
    /// of the stream; non-seekable streams work (their models are capped at 512 MiB of tensor data).
    /// </summary>
    /// <param name="stream">The safetensors file.</param>
    /// <param name="activations">One per nn.Linear, in order (the modules after each Linear); Softmax only last.</param>
    /// <exception cref="ModelFormatException">The file is not such a state_dict, or does not match <paramref name="activations"/>; the message names the key(s) and shapes.</exception>
    public static Network LoadPyTorch(Stream stream, IReadOnlyList<Activation> activations) => LoadPyTorch(stream, activations, "", null);

    /// <summary>Reads the state_dict of a module that holds the nn.Sequential: every key starts with <paramref name="keyPrefix"/> (such as "model." or "mlp."); otherwise as <see cref="LoadPyTorch(Stream, IReadOnlyList{Activation})"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not such a state_dict (a key without the prefix included), or does not match <paramref name="activations"/>.</exception>
    public static Network LoadPyTorch(Stream stream, IReadOnlyList<Activation> activations, string keyPrefix) => LoadPyTorch(stream, activations, keyPrefix, null);

    /// <summary>As <see cref="LoadPyTorch(Stream, IReadOnlyList{Activation}, string)"/>; <paramref name="options"/> may allow non-finite weights.</summary>
    /// <exception cref="ModelFormatException">The file is not such a state_dict, or does not match <paramref name="activations"/>.</exception>
    public static Network LoadPyTorch(Stream stream, IReadOnlyList<Activation> activations, string keyPrefix, ModelLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Activation[] perLayer = ValidatePyTorchArguments(activations, keyPrefix);
        return PyTorchReader.Read(stream, perLayer, keyPrefix, options);
    }

    /// <summary>Reads the state_dict file at <paramref name="path"/> (see <see cref="LoadPyTorch(Stream, IReadOnlyList{Activation})"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not such a state_dict, or does not match <paramref name="activations"/>.</exception>
    public static Network LoadPyTorch(string path, IReadOnlyList<Activation> activations) => LoadPyTorch(path, activations, "", null);

    /// <summary>Reads the state_dict file at <paramref name="path"/> whose keys start with <paramref name="keyPrefix"/> (see <see cref="LoadPyTorch(Stream, IReadOnlyList{Activation}, string)"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not such a state_dict, or does not match <paramref name="activations"/>.</exception>
    public static Network LoadPyTorch(string path, IReadOnlyList<Activation> activations, string keyPrefix) => LoadPyTorch(path, activations, keyPrefix, null);

    /// <summary>As <see cref="LoadPyTorch(string, IReadOnlyList{Activation}, string)"/>; <paramref name="options"/> may allow non-finite weights.</summary>
    /// <exception cref="ModelFormatException">The file is not such a state_dict, or does not match <paramref name="activations"/>.</exception>
    public static Network LoadPyTorch(string path, IReadOnlyList<Activation> activations, string keyPrefix, ModelLoadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Activation[] perLayer = ValidatePyTorchArguments(activations, keyPrefix);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return PyTorchReader.Read(file, perLayer, keyPrefix, options);
    }

    /// <summary>
    /// Writes the network as the safetensors state_dict of the nn.Sequential that computes it: per layer an
    /// nn.Linear (<c>&lt;index&gt;.weight</c> [out, in], the transpose of W, and <c>&lt;index&gt;.bias</c>, F32), each
    /// non-Identity activation the next module (nn.ReLU(), nn.Softmax(dim=-1), ...: an index, no key), tensors in
    /// the reference writer's order (by name) with __metadata__ {"format":"pt"} and the header padded to 8 bytes.
    /// <c>model.load_state_dict(safetensors.torch.load_file(path))</c> takes it. The same network gives the same
    /// bytes. The stream is left open.
    /// </summary>
    /// <exception cref="NotSupportedException">The header would be too long for <see cref="LoadPyTorch(Stream, IReadOnlyList{Activation})"/> to read back; nothing is written.</exception>
    public void SavePyTorch(Stream stream) => SavePyTorch(stream, "");

    /// <summary>As <see cref="SavePyTorch(Stream)"/>, every key prefixed with <paramref name="keyPrefix"/> (such as "mlp." for a module holding the Sequential as self.mlp).</summary>
    /// <exception cref="NotSupportedException">The header would be too long for LoadPyTorch to read back; nothing is written.</exception>
    public void SavePyTorch(Stream stream, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ValidateKeyPrefix(keyPrefix);
        PyTorchWriter.Write(this, stream, keyPrefix);
    }

    /// <summary>Writes the state_dict to <paramref name="path"/> atomically (see <see cref="Save(string)"/> and <see cref="SavePyTorch(Stream)"/>).</summary>
    public void SavePyTorch(string path) => SavePyTorch(path, "");

    /// <summary>Writes the state_dict with keys prefixed by <paramref name="keyPrefix"/> to <paramref name="path"/> atomically.</summary>
    public void SavePyTorch(string path, string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateKeyPrefix(keyPrefix);
        WriteAtomically(path, file => PyTorchWriter.Write(this, file, keyPrefix));
    }

    /// <summary>A copy of <paramref name="activations"/> once it is non-empty, each a defined Activation, Softmax only last.</summary>
    private static Activation[] ValidatePyTorchArguments(IReadOnlyList<Activation> activations, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ValidateKeyPrefix(keyPrefix);
        Activation[] perLayer = [.. activations];
        if (perLayer.Length == 0)
        {
            ThrowHelper.ThrowArgument(nameof(activations), "At least one activation (one per nn.Linear) is needed.");
        }

        for (int l = 0; l < perLayer.Length; l++)
        {
            if (!Enum.IsDefined(perLayer[l]))
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(activations), perLayer[l], $"Activation {l} is not an Activation.");
            }

            if (perLayer[l] == Activation.Softmax && l < perLayer.Length - 1)
            {
                ThrowHelper.ThrowArgument(nameof(activations), $"Activation {l} of {perLayer.Length} is Softmax; Softmax is only supported on the output layer.");
            }
        }

        return perLayer;
    }

    /// <summary>A key prefix is any string with a UTF-8 form (no lone surrogate), "" for none.</summary>
    private static void ValidateKeyPrefix(string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        for (ReadOnlySpan<char> rest = keyPrefix; !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out int used) != OperationStatus.Done)
            {
                ThrowHelper.ThrowArgument(nameof(keyPrefix), $"The key prefix has a lone surrogate at character {keyPrefix.Length - rest.Length}; a safetensors key is UTF-8.");
            }

            rest = rest[used..];
        }
    }
}
