// A dense feed-forward network: its architecture and one flat parameter buffer (llm.c: allocate all
// parameters at once), 64-byte aligned and pinned so kernels take its address once. Immutable while
// predicting, so one Network serves any number of threads, each with its own Workspace.

using System.Numerics.Tensors;

namespace FastMlp;

/// <summary>A multi-layer perceptron: dense layers, each with its own activation (Softmax on the output layer only).</summary>
public sealed unsafe partial class Network
{
    private readonly int[] _sizes;
    private readonly Activation[] _activations;
    private readonly PinnedFloats _parameters;

    // The hidden layers' one activation; null when they differ (a network created per layer).
    private readonly Activation? _hidden;

    /// <summary>One activation per layer, <paramref name="activations"/>[^1] the output's; <paramref name="hidden"/> their common hidden one, or null.</summary>
    private Network(int[] sizes, Activation[] activations, Activation? hidden)
    {
        _sizes = sizes;
        LayerSizes = Array.AsReadOnly(sizes);
        _activations = activations;
        Activations = Array.AsReadOnly(activations);
        _hidden = hidden;
        OutputActivation = activations[^1];
        Layout = new ParameterLayout(sizes);
        _parameters = new PinnedFloats(Layout.Count);
    }

    private Network(int[] sizes, Activation hidden, Activation output)
        : this(sizes, Uniform(sizes.Length - 1, hidden, output), hidden)
    {
    }

    /// <summary>[inputs, hidden..., outputs].</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Values per input sample.</summary>
    public int InputSize => _sizes[0];

    /// <summary>Values per output sample.</summary>
    public int OutputSize => _sizes[^1];

    /// <summary>
    /// The activation of every layer but the last, when they share one (every network the two-activation Create builds;
    /// a per-layer network whose hidden layers agree; Identity for a per-layer network without hidden layers).
    /// </summary>
    /// <exception cref="InvalidOperationException">The hidden layers have different activations: read <see cref="Activations"/>.</exception>
    public Activation HiddenActivation
    {
        get
        {
            if (_hidden is not { } hidden)
            {
                ThrowHelper.ThrowInvalidOperation($"This network's hidden layers have different activations ({string.Join(", ", _activations[..^1])}); read Activations.");
                return default;
            }

            return hidden;
        }
    }

    /// <summary>One activation per layer, the output layer's last (Count = LayerSizes.Count − 1).</summary>
    public IReadOnlyList<Activation> Activations { get; }

    /// <summary>Whether the hidden layers share one activation (<see cref="HiddenActivation"/> does not throw).</summary>
    internal bool HasUniformHidden => _hidden is not null;

    /// <summary>The activation of the last layer.</summary>
    public Activation OutputActivation { get; }

    /// <summary>
    /// All weights and biases, flat. Layer l = 1..L in order: W_l as [n_{l−1}, n_l] row-major
    /// (W_l[i, j] is the weight from input i to neuron j, so forward is Z = X·W + b), then b_l [n_l].
    /// </summary>
    /// <remarks>
    /// Taking the span tells a <see cref="Trainer"/>'s update guard that the values may have changed, so its next
    /// Step reads them again. Write through a span taken after the last Step: a write through one taken before it
    /// goes unseen, and should the next update then overflow, that Step throws InvalidOperationException with the
    /// update written (it cannot be undone) instead of TrainingDivergedException with nothing written.
    /// </remarks>
    public Span<float> Parameters
    {
        get
        {
            _parametersTaken++;
            return _parameters.Span;
        }
    }

    internal ParameterLayout Layout { get; }

    internal float* ParametersPointer => _parameters.Pointer;

    /// <summary>
    /// Creates a network with seeded initial weights: He uniform for ReLU and LeakyReLU layers, Glorot uniform for the
    /// others, zero biases (<see cref="WeightInitialization.Default"/>). The same seed gives bit-identical parameters.
    /// </summary>
    /// <param name="layerSizes">[inputs, hidden..., outputs]: at least two sizes, each at least 1.</param>
    /// <param name="hidden">Activation of the hidden layers; not Softmax.</param>
    /// <param name="output">Activation of the output layer.</param>
    /// <param name="seed">Seed of the weight initialization.</param>
    public static Network Create(IReadOnlyList<int> layerSizes, Activation hidden, Activation output, int seed) =>
        Create(layerSizes, hidden, output, seed, WeightInitialization.Default);

    /// <summary>
    /// Creates a network with one activation per layer (<paramref name="activations"/>[l] for the layer from
    /// layerSizes[l] to layerSizes[l + 1]) and seeded initial weights as <see cref="WeightInitialization.Default"/>.
    /// </summary>
    /// <param name="layerSizes">[inputs, hidden..., outputs]: at least two sizes, each at least 1.</param>
    /// <param name="activations">layerSizes.Count − 1 activations; Softmax only last.</param>
    /// <param name="seed">Seed of the weight initialization.</param>
    /// <exception cref="ArgumentException">The counts do not match, or Softmax is on a hidden layer.</exception>
    public static Network Create(IReadOnlyList<int> layerSizes, IReadOnlyList<Activation> activations, int seed) =>
        Create(layerSizes, activations, seed, WeightInitialization.Default);

    /// <summary>Creates a network with one activation per layer whose initial weights are drawn by <paramref name="initialization"/>.</summary>
    /// <param name="layerSizes">[inputs, hidden..., outputs]: at least two sizes, each at least 1.</param>
    /// <param name="activations">layerSizes.Count − 1 activations; Softmax only last.</param>
    /// <param name="seed">Seed of the weight initialization.</param>
    /// <param name="initialization">The distribution of the initial weights.</param>
    /// <exception cref="ArgumentException">The counts do not match, or Softmax is on a hidden layer.</exception>
    public static Network Create(IReadOnlyList<int> layerSizes, IReadOnlyList<Activation> activations, int seed, WeightInitialization initialization)
    {
        ArgumentNullException.ThrowIfNull(activations);
        int[] sizes = ValidSizes(layerSizes);
        if (activations.Count != sizes.Length - 1)
        {
            ThrowHelper.ThrowArgument(nameof(activations), $"{sizes.Length} layer sizes make {sizes.Length - 1} layers, which need as many activations; got {activations.Count}.");
        }

        Activation[] perLayer = [.. activations];
        for (int l = 0; l < perLayer.Length; l++)
        {
            ValidateActivation(perLayer[l], nameof(activations));
            if (perLayer[l] == Activation.Softmax && l < perLayer.Length - 1)
            {
                ThrowHelper.ThrowArgument(nameof(activations), $"Activation {l} is Softmax; Softmax is only supported on the output layer.");
            }
        }

        ValidateInitialization(initialization);
        return Initialized(new Network(sizes, perLayer, CommonHidden(perLayer)), initialization, seed);
    }

    /// <summary>The hidden layers' one activation (Identity without hidden layers), or null when they differ.</summary>
    internal static Activation? CommonHidden(Activation[] activations)
    {
        Activation first = activations.Length > 1 ? activations[0] : Activation.Identity;
        for (int l = 1; l < activations.Length - 1; l++)
        {
            if (activations[l] != first)
            {
                return null;
            }
        }

        return first;
    }

    /// <summary>Creates a network whose initial weights are drawn by <paramref name="initialization"/> from <paramref name="seed"/>; biases start at 0.</summary>
    /// <param name="layerSizes">[inputs, hidden..., outputs]: at least two sizes, each at least 1.</param>
    /// <param name="hidden">Activation of the hidden layers; not Softmax.</param>
    /// <param name="output">Activation of the output layer.</param>
    /// <param name="seed">Seed of the weight initialization.</param>
    /// <param name="initialization">The distribution of the initial weights.</param>
    public static Network Create(IReadOnlyList<int> layerSizes, Activation hidden, Activation output, int seed, WeightInitialization initialization)
    {
        int[] sizes = ValidSizes(layerSizes);
        ValidateActivation(hidden, nameof(hidden));
        ValidateActivation(output, nameof(output));
        ValidateInitialization(initialization);
        if (hidden == Activation.Softmax && sizes.Length > 2)
        {
            ThrowHelper.ThrowArgument(nameof(hidden), "Softmax is only supported on the output layer.");
        }

        return Initialized(new Network(sizes, hidden, output), initialization, seed);
    }

    /// <summary>A copy with the same architecture and a copy of the parameters, sharing nothing with this network (a Predictor's snapshot).</summary>
    internal Network Snapshot()
    {
        var copy = new Network(_sizes, [.. _activations], _hidden);
        _parameters.Span.CopyTo(copy._parameters.Span);
        return copy;
    }

    /// <summary>Scratch memory for <see cref="Predict"/> on up to <paramref name="maxBatch"/> samples per call.</summary>
    /// <param name="maxBatch">The largest batch a call will pass; at least 1.</param>
    /// <param name="maxDegreeOfParallelism">-1 for all cores, otherwise the most threads a call may use.</param>
    public Workspace CreateWorkspace(int maxBatch, int maxDegreeOfParallelism = -1)
    {
        ValidateWorkspaceArguments(maxBatch, maxDegreeOfParallelism);
        return new Workspace(Layout, maxBatch, maxDegreeOfParallelism, training: false);
    }

    /// <summary>
    /// Computes the outputs [batch, OutputSize] for the inputs [batch, InputSize], batch = inputs.Length / InputSize.
    /// Thread-safe for concurrent callers that each use their own <paramref name="workspace"/>; allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not a whole batch, the batch exceeds the workspace, outputs is too short or overlaps inputs, or the workspace belongs to a different architecture.</exception>
    /// <exception cref="ObjectDisposedException">The workspace was disposed.</exception>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, Workspace workspace) => PredictCore(inputs, outputs, workspace, null);

    /// <summary>As <see cref="Predict(ReadOnlySpan{float}, Span{float}, Workspace)"/>, with the weights <paramref name="reduced"/> holds in place of the float ones when it is not null (a reduced-precision Predictor).</summary>
    internal void PredictCore(ReadOnlySpan<float> inputs, Span<float> outputs, Workspace workspace, ReducedWeights? reduced)
    {
        int batch = ValidateBatch(inputs, workspace);
        if ((long)outputs.Length < (long)batch * OutputSize)
        {
            ThrowHelper.ThrowArgument(nameof(outputs), $"outputs has {outputs.Length} elements but {batch} samples × {OutputSize} outputs need {batch * OutputSize}.");
        }

        if (outputs.Overlaps(inputs))
        {
            ThrowHelper.ThrowArgument(nameof(outputs), "outputs overlaps inputs; the destination must not share memory with the inputs.");
        }

        workspace.Enter();
        try
        {
            fixed (float* x = inputs, y = outputs)
            {
                Forward(x, batch, workspace, y, reduced);
            }
        }
        finally
        {
            workspace.Exit();
        }
    }

    /// <summary>
    /// The predicted class of each input row: the index of its largest output (the first on a tie).
    /// classes[i] is written for i &lt; batch, batch = inputs.Length / InputSize. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not a whole batch, the batch exceeds the workspace, or classes is too short.</exception>
    public void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes, Workspace workspace) => PredictClassesCore(inputs, classes, workspace, null);

    /// <summary>As <see cref="PredictClasses(ReadOnlySpan{float}, Span{int}, Workspace)"/>, with the weights <paramref name="reduced"/> holds when it is not null.</summary>
    internal void PredictClassesCore(ReadOnlySpan<float> inputs, Span<int> classes, Workspace workspace, ReducedWeights? reduced)
    {
        int batch = ValidateBatch(inputs, workspace);
        if (classes.Length < batch)
        {
            ThrowHelper.ThrowArgument(nameof(classes), $"classes has {classes.Length} elements but inputs holds {batch} samples.");
        }

        workspace.Enter();
        try
        {
            float* y = workspace.Activation(Layout.Layers - 1);
            fixed (float* x = inputs)
            {
                Forward(x, batch, workspace, y, reduced);
            }

            for (int r = 0; r < batch; r++)
            {
                classes[r] = TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>(y + (r * OutputSize), OutputSize));
            }
        }
        finally
        {
            workspace.Exit();
        }
    }

    /// <summary>The fraction of <paramref name="data"/>'s samples whose predicted class is their label, in batches of the workspace's MaxBatch.</summary>
    /// <exception cref="ArgumentException">The data is not a classification set of this network's shape.</exception>
    public float Accuracy(Dataset data, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(workspace);
        if (!data.IsClassification || data.FeatureCount != InputSize || data.TargetCount != OutputSize)
        {
            ThrowHelper.ThrowArgument(nameof(data), $"Accuracy needs a classification set of {InputSize} features and {OutputSize} classes; this one has {data.FeatureCount} features and {data.TargetCount} {(data.IsClassification ? "classes" : "regression targets")}.");
        }

        Span<int> predicted = stackalloc int[Math.Min(workspace.MaxBatch, 256)];
        long correct = 0;
        for (int first = 0; first < data.Count; first += predicted.Length)
        {
            int rows = Math.Min(predicted.Length, data.Count - first);
            PredictClasses(data.Features.Slice(first * InputSize, rows * InputSize), predicted, workspace);
            ReadOnlySpan<int> labels = data.Labels.Slice(first, rows);
            for (int r = 0; r < rows; r++)
            {
                correct += predicted[r] == labels[r] ? 1 : 0;
            }
        }

        return data.Count == 0 ? float.NaN : (float)((double)correct / data.Count);
    }

    /// <summary>
    /// Runs every layer (inference: a training step runs Trainer.TrainingForward); layer l writes workspace.Activation(l),
    /// except the last, which writes <paramref name="output"/>. With <paramref name="reduced"/>, each layer multiplies by
    /// its weights in that format instead of the float ones (the biases are still these parameters').
    /// </summary>
    internal void Forward(float* inputs, int batch, Workspace workspace, float* output, ReducedWeights? reduced = null)
    {
        float* x = inputs;
        int last = Layout.Layers - 1;
        for (int l = 0; l <= last; l++)
        {
            float* y = l == last ? output : workspace.Activation(l);
            if (reduced is null)
            {
                DenseLayer.Forward(x, batch, ParametersPointer, Layout, l, _activations[l], y, workspace.MaxDegreeOfParallelism);
            }
            else
            {
                reduced.Forward(l, x, batch, ParametersPointer, Layout, _activations[l], y, workspace);
            }

            x = y;
        }
    }

    /// <summary>The activation of layer <paramref name="layer"/> (0-based).</summary>
    internal Activation ActivationOf(int layer) => _activations[layer];

    /// <summary>Every layer <paramref name="hidden"/> but the last, <paramref name="output"/>.</summary>
    private static Activation[] Uniform(int layers, Activation hidden, Activation output)
    {
        var activations = new Activation[layers];
        Array.Fill(activations, hidden);
        activations[^1] = output;
        return activations;
    }

    /// <summary>The sizes, checked: at least two, each at least 1.</summary>
    private static int[] ValidSizes(IReadOnlyList<int> layerSizes)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2)
        {
            ThrowHelper.ThrowArgument(nameof(layerSizes), $"A network needs at least two layer sizes (inputs and outputs); got {layerSizes.Count}.");
        }

        int[] sizes = [.. layerSizes];
        for (int l = 0; l < sizes.Length; l++)
        {
            if (sizes[l] < 1)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(layerSizes), sizes[l], $"Layer size {l} is {sizes[l]}; every layer needs at least 1 unit.");
            }
        }

        return sizes;
    }

    private static void ValidateInitialization(WeightInitialization initialization)
    {
        if (!Enum.IsDefined(initialization))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(initialization), initialization, $"{initialization} is not a WeightInitialization.");
        }
    }

    private static Network Initialized(Network network, WeightInitialization initialization, int seed)
    {
        Initialization.Initialize(network.Parameters, network.Layout, network._activations, initialization, seed);
        return network;
    }

    /// <summary>Checks that the inputs are a whole batch of at most workspace.MaxBatch samples for this architecture; returns the batch.</summary>
    internal int ValidateBatch(ReadOnlySpan<float> inputs, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Layout, Layout) && !workspace.Layout.Matches(Layout))
        {
            ThrowHelper.ThrowArgument(nameof(workspace), $"The workspace was created for a network of layer sizes [{workspace.Layout}], not [{Layout}].");
        }

        int batch = Math.DivRem(inputs.Length, InputSize, out int rest);
        if (rest != 0)
        {
            ThrowHelper.ThrowArgument(nameof(inputs), $"inputs has {inputs.Length} elements, not a whole number of samples of {InputSize} inputs.");
        }

        if (batch > workspace.MaxBatch)
        {
            ThrowHelper.ThrowArgument(nameof(inputs), $"inputs holds {batch} samples but the workspace was created for at most {workspace.MaxBatch}.");
        }

        return batch;
    }

    internal static void ValidateWorkspaceArguments(int maxBatch, int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 (all cores) or at least 1.");
        }
    }

    private static void ValidateActivation(Activation activation, string name)
    {
        if (!Enum.IsDefined(activation))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, activation, $"{activation} is not an Activation.");
        }
    }
}
