// Network.Serialization: Save and Load in the safetensors container (SafetensorsWriter, SafetensorsReader).
// Saving only reads the parameters, so it may run while other threads predict. Saving to a path is
// atomic: a temporary file in the same directory, flushed to disk, then renamed over the target.
namespace FastMlp;

public sealed partial class Network
{
    /// <summary>
    /// Writes the model as safetensors: tensors W1, b1, W2, b2, ... (F32) and the architecture in __metadata__.
    /// The same model gives byte-identical output. The stream is left open.
    /// </summary>
    /// <exception cref="NotSupportedException">The network has more than about 10.6 million layers (its header would not fit in one array); nothing is written.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafetensorsWriter.Write(this, stream);
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: a temporary file in the same directory is written,
    /// flushed to disk and renamed over <paramref name="path"/>; on failure the previous file is untouched and the
    /// temporary file is deleted.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(path, file => SafetensorsWriter.Write(this, file));
    }

    /// <summary>Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/>, flushes it to disk and renames it over <paramref name="path"/>; on failure deletes it.</summary>
    internal static void WriteAtomically(string path, Action<FileStream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads a model written by <see cref="Save(Stream)"/>, or the same tensors and metadata as another safetensors
    /// writer lays them out (any tensor and key order, whose data_offsets tile the data exactly; whitespace; padding).
    /// Every header rule is checked before the parameters are allocated; the header may have up to 64 KiB plus 32
    /// bytes per byte of tensor data, so every file <see cref="Save(Stream)"/> writes loads again. Non-seekable
    /// streams work (their models are capped at 512 MiB). Reads to the end of the stream.
    /// </summary>
    /// <exception cref="ModelFormatException">The data is not a valid FastMlp model; <see cref="ModelFormatException.Reason"/> says why.</exception>
    public static Network Load(Stream stream, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafetensorsReader.Read(stream, options);
    }

    /// <summary>Reads a model file written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid FastMlp model; <see cref="ModelFormatException.Reason"/> says why.</exception>
    public static Network Load(string path, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return SafetensorsReader.Read(file, options);
    }

    /// <summary>A network of these (validated) sizes with zero parameters, for the loader to fill.</summary>
    internal static Network CreateUninitialized(int[] sizes, Activation[] activations, Activation? hidden) => new(sizes, activations, hidden);

    /// <summary>The hidden layers' one activation, or null when they differ (what a version-1 file stores, and whether one can).</summary>
    internal Activation? CommonHiddenActivation => _hidden;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
