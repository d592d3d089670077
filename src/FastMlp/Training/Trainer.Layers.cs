// The training step's forward pass and its dropout (issue 14). Each layer l: Z = X·W (one GEMM), then
//   A = f(Z + b)                         in place, when backward can take f' from A and the layer has no dropout
//   S = Z + b, A = f(S) [⊙ mask]         GELU, SiLU: their derivative needs the input (TrainingLayers)
//   S = f(Z + b), A = S ⊙ mask           another activation with dropout
// Dropout is inverted (kept values scaled by 1/(1 − rate), PyTorch's nn.Dropout in training), on hidden layers only,
// and only here: Predict, a Predictor and Evaluate never drop. The masks are a function of (DropoutSeed, the step's
// index in the stream, layer, element) (Dropout.cs), so a run is reproducible from its seed; Fit runs its own stream
// from FitOptions.Seed.
namespace FastMlp;

public sealed unsafe partial class Trainer
{
    private TrainingLayers _layers = null!;   // set by ConfigureLayers in the constructor
    private bool _generalPathOnly;
    private float[] _dropoutRates = [];
    private int _fitting;   // 1 while a Fit holds the trainer

    /// <summary>
    /// The dropout rate of each hidden layer (inverted dropout: in a training step each output of that layer is zeroed
    /// with this probability and the others scaled by 1/(1 − rate)); empty (the default) for none. Predict, a Predictor
    /// and <see cref="Evaluate"/> never apply it. Setting it allocates the layers' saved outputs once.
    /// </summary>
    /// <exception cref="ArgumentException">The list has neither one rate per hidden layer nor none.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not in [0, 1).</exception>
    /// <exception cref="InvalidOperationException">A Step or Fit is running on this trainer (FitOptions.DropoutRates sets them for one fit).</exception>
    public IReadOnlyList<float> DropoutRates
    {
        get => Array.AsReadOnly(_dropoutRates);
        set => Reconfigure(ValidDropoutRates(value, nameof(DropoutRates)), null);
    }

    /// <summary>
    /// The seed of the dropout masks. Setting it restarts their stream: the same seed, rates and steps give the same
    /// masks. Default 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">A Step or Fit is running on this trainer.</exception>
    public int DropoutSeed
    {
        get => _layers.Seed;
        set => Reconfigure(null, value);
    }

    /// <summary>The mask layer <paramref name="layer"/> had in the last step (tests): its value at each of batch · Out elements.</summary>
    internal float[] LastDropoutMask(int layer, int batch)
    {
        var mask = new float[batch * Network.Layout.Out(layer)];
        Dropout dropout = _layers.DropoutOf(layer, _layers.Step - 1) ?? default;
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _layers.Rate(layer) > 0 ? dropout.Factor((uint)i) : 1f;
        }

        return mask;
    }

    /// <summary>Checks a list of dropout rates: null or empty for none, else one in [0, 1) per hidden layer. Returns a copy.</summary>
    private float[] ValidDropoutRates(IReadOnlyList<float>? rates, string name)
    {
        if (rates is null || rates.Count == 0)
        {
            return [];
        }

        int hidden = Network.Layout.Layers - 1;
        if (rates.Count != hidden)
        {
            ThrowHelper.ThrowArgument(name, $"{rates.Count} dropout rates for a network with {hidden} hidden layers; give one per hidden layer, or none.");
        }

        var copy = new float[hidden];
        for (int l = 0; l < hidden; l++)
        {
            copy[l] = rates[l];
            if (!(copy[l] >= 0 && copy[l] < 1))
            {
                ThrowHelper.ThrowArgumentOutOfRange(name, copy[l], $"The dropout rate of hidden layer {l} is {copy[l]}; it must be in [0, 1).");
            }
        }

        return copy;
    }

    /// <summary>
    /// New dropout rates and/or a new seed (null: keep; a new seed restarts the stream), applied while no Step or Fit runs:
    /// one that did would still read the buffers being replaced, or its backward pass another mask than its forward pass.
    /// The current values are read only once the workspace is held, so a Step finishing meanwhile is not undone.
    /// </summary>
    /// <exception cref="InvalidOperationException">A Step or Fit is running on this trainer.</exception>
    private void Reconfigure(float[]? rates, int? seed)
    {
        EnterOutsideFit();
        try
        {
            ApplyLayers(rates ?? _dropoutRates, seed ?? _layers.Seed, seed is null ? _layers.Step : 0);
        }
        finally
        {
            _workspace.Exit();
        }
    }

    /// <summary>Enters the workspace for a Step or a setter: not while a Fit holds the trainer.</summary>
    /// <exception cref="InvalidOperationException">A Step or Fit is running on this trainer.</exception>
    private void EnterOutsideFit()
    {
        _workspace.Enter();
        if (Volatile.Read(ref _fitting) != 0)
        {
            _workspace.Exit();
            ThrowHelper.ThrowInvalidOperation("A Fit is running on this trainer: Step it and set its options between fits (FitOptions sets them for one fit).");
        }
    }

    /// <summary>Returns <paramref name="value"/>, or throws while a Fit holds the trainer (the option setters).</summary>
    private T OutsideFit<T>(T value)
    {
        if (Volatile.Read(ref _fitting) != 0)
        {
            ThrowHelper.ThrowInvalidOperation("A Fit is running on this trainer: set its options between fits (FitOptions sets them for one fit).");
        }

        return value;
    }

    /// <summary>The layer state for these rates and this point of the mask stream: only the stream when the rates stay.</summary>
    private void ApplyLayers(float[] rates, int seed, long step)
    {
        if (rates.AsSpan().SequenceEqual(_dropoutRates))
        {
            (_layers.Seed, _layers.Step) = (seed, step);
        }
        else
        {
            ConfigureLayers(rates, seed, step);
        }
    }

    /// <summary>
    /// Builds the per-layer training state for these rates; a network that saves any leaves the tiny path. The tiny pass
    /// and the fused buffers are kept when the path stays (a Fit with its own rates allocates only the saved outputs).
    /// </summary>
    private void ConfigureLayers(float[] rates, int seed, long step, bool first = false)
    {
        _layers = new TrainingLayers(Network, MaxBatch, rates) { Seed = seed, Step = step };
        _dropoutRates = rates;
        ITinyStep? tiny = _layers.SavesAny || _generalPathOnly ? null : _tiny ?? TinyStep.TryCreate(Network, Loss, _workspace, _gradients);
        if (first || (tiny is null) != (_tiny is null))
        {
            _tiny = tiny;
            AllocateFusedBuffers();
        }
    }

    /// <summary>The options and layer state a Fit replaces for its duration.</summary>
    private TrainerState SaveState() => new(_clipValue, _clipNorm, _layers, _dropoutRates, _layers.Seed, _layers.Step, _tiny, (_panel, _blocks, _magnitudes));

    /// <summary>Puts back what <see cref="SaveState"/> saved (no Step runs: the Fit holds the trainer).</summary>
    private void RestoreState(in TrainerState saved)
    {
        (_clipValue, _clipNorm, _layers, _dropoutRates, _tiny) = (saved.ClipValue, saved.ClipNorm, saved.Layers, saved.DropoutRates, saved.Tiny);
        (_layers.Seed, _layers.Step) = (saved.Seed, saved.Step);
        (_panel, _blocks, _magnitudes) = saved.Fused;
    }

    private readonly record struct TrainerState(
        float? ClipValue, float? ClipNorm, TrainingLayers Layers, float[] DropoutRates, int Seed, long Step, ITinyStep? Tiny,
        (PinnedFloats? Panel, PinnedFloats? Blocks, uint[]? Magnitudes) Fused);

    /// <summary>The forward pass of a training step (the file header); layer l writes Activation(l) and, where it keeps one, S_l.</summary>
    private void TrainingForward(float* inputs, int batch)
    {
        ParameterLayout layout = Network.Layout;
        float* x = inputs;
        for (int l = 0; l < layout.Layers; l++)
        {
            float* y = _workspace.Activation(l), saved = _layers.Saved(l, _workspace);
            int threads = DenseLayer.TrainingThreads(batch, layout.In(l), layout.Out(l), _workspace.MaxDegreeOfParallelism);
            Activation activation = Network.ActivationOf(l);
            bool fromInput = Elementwise.DerivesFromInput(activation);
            DenseLayer.Forward(x, batch, Network.ParametersPointer, layout, l, activation, fromInput || saved == y ? y : saved, threads, fromInput ? saved : null);
            if (_layers.DropoutOf(l, _layers.Step) is { } dropout)
            {
                var outputs = new Span<float>(y, batch * layout.Out(l));
                dropout.Apply(fromInput ? outputs : new ReadOnlySpan<float>(saved, outputs.Length), outputs);
            }

            x = y;
        }
    }
}
