// ModelFormatException: every way a model file can be rejected by Network.Load, LoadPyTorch or LoadOnnx, with a reason code
// callers can switch on and a message naming the tensor or header field at fault.
namespace FastMlp;

/// <summary>Why <see cref="Network.Load(Stream, ModelLoadOptions?)"/>, <see cref="Network.LoadPyTorch(Stream, IReadOnlyList{Activation})"/> or <see cref="Network.LoadOnnx(Stream)"/> rejected a model file.</summary>
public enum ModelFormatError
{
    /// <summary>The data ended early: fewer than 8 bytes, a header or tensor data past the end.</summary>
    Truncated,

    /// <summary>The header is longer than 64 KiB plus 32 bytes per byte of tensor data (more than any header FastMlp writes for that data).</summary>
    HeaderTooLarge,

    /// <summary>The header is not UTF-8, not a JSON object, malformed JSON, or nested too deep.</summary>
    InvalidHeader,

    /// <summary>A key appears twice in one JSON object.</summary>
    DuplicateKey,

    /// <summary>A tensor, tensor field or metadata field is missing.</summary>
    MissingKey,

    /// <summary>A tensor, tensor field or metadata field is not one FastMlp writes.</summary>
    UnknownKey,

    /// <summary>A tensor's dtype is not one the loader reads (F32; LoadPyTorch also F16 and BF16; LoadOnnx FLOAT, FLOAT16 and DOUBLE).</summary>
    UnsupportedDtype,

    /// <summary>
    /// A tensor's shape is not one or two non-negative integers, or its product overflows. For LoadOnnx also: a weight
    /// is not [rows ≥ 1, columns ≥ 1], or a weight's or bias's data cannot load (a negative dim, data that does not
    /// hold the dims' elements, FLOAT16 int32_data beyond 16 bits, external or segmented data).
    /// </summary>
    InvalidShape,

    /// <summary>A tensor's data_offsets do not match its shape, or the tensors' offsets overlap or leave a hole (in any order, they must tile the data from 0).</summary>
    InvalidOffsets,

    /// <summary>Bytes follow the last tensor.</summary>
    TrailingBytes,

    /// <summary>A tensor's shape disagrees with the layer sizes in the metadata.</summary>
    ArchitectureMismatch,

    /// <summary>A metadata value is not a string or cannot be parsed.</summary>
    InvalidMetadata,

    /// <summary>The metadata's format is not "fastmlp".</summary>
    WrongFormat,

    /// <summary>The file was written by a newer FastMlp (a format_version this library does not know).</summary>
    NewerVersion,

    /// <summary>An activation name is not an <see cref="Activation"/>.</summary>
    UnknownActivation,

    /// <summary>The layer sizes or activations describe no valid network (fewer than 2 sizes, a size below 1, Softmax hidden, too many parameters).</summary>
    InvalidArchitecture,

    /// <summary>The model is larger than the loader accepts from a stream of unknown length.</summary>
    ModelTooLarge,

    /// <summary>A weight or bias is NaN or infinite (see <see cref="ModelLoadOptions.AllowNonFiniteWeights"/>).</summary>
    NonFiniteWeight,

    /// <summary>A PyTorch state_dict has a different number of nn.Linear layers than activations were given.</summary>
    LayerCountMismatch,

    /// <summary>Two nn.Linear module indices of a PyTorch state_dict leave no index between them for the activation module of the first.</summary>
    NonConsecutiveLayers,

    /// <summary>PyTorch state_dict shapes do not chain: a weight's in_features differ from the previous layer's out_features, or a bias length from its weight's out_features.</summary>
    ShapeMismatch,

    /// <summary>An ONNX file is not a well-formed protobuf message: a malformed varint, tag or wire type, a field of the wrong wire type, a packed record of the wrong length, or a string that is not UTF-8.</summary>
    InvalidProtobuf,

    /// <summary>An ONNX graph is not one <see cref="Network.LoadOnnx(Stream)"/> maps to dense layers; the message names the first node it cannot map (its name and op_type) and why.</summary>
    UnsupportedGraph,
}

/// <summary>A model file that <see cref="Network.Load(Stream, ModelLoadOptions?)"/>, <see cref="Network.LoadPyTorch(Stream, IReadOnlyList{Activation})"/> or <see cref="Network.LoadOnnx(Stream)"/> rejected.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates an exception with reason <see cref="ModelFormatError.InvalidHeader"/>.</summary>
    public ModelFormatException()
        : this(ModelFormatError.InvalidHeader, "The model file is invalid.")
    {
    }

    /// <summary>Creates an exception with reason <see cref="ModelFormatError.InvalidHeader"/>.</summary>
    public ModelFormatException(string message)
        : this(ModelFormatError.InvalidHeader, message)
    {
    }

    /// <summary>Creates an exception with reason <see cref="ModelFormatError.InvalidHeader"/>.</summary>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException) => Reason = ModelFormatError.InvalidHeader;

    /// <summary>Creates an exception for <paramref name="reason"/>.</summary>
    public ModelFormatException(ModelFormatError reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    /// <summary>The rule the file broke.</summary>
    public ModelFormatError Reason { get; }
}

/// <summary>Options of <see cref="Network.Load(Stream, ModelLoadOptions?)"/>.</summary>
public sealed class ModelLoadOptions
{
    /// <summary>Accept NaN and infinite weights; false (the default) rejects them with <see cref="ModelFormatError.NonFiniteWeight"/>.</summary>
    public bool AllowNonFiniteWeights { get; init; }
}
