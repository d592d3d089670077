// What a training step keeps per layer beyond the workspace's outputs, so backward can take each activation's
// derivative: A_l (Workspace.Activation) is what the next layer reads; the derivative reads S_l,
//   S_l = A_l                    for an activation whose derivative is a function of its output, without dropout
//   S_l = Z_l + b_l              for one whose derivative needs its input (GELU, SiLU): a buffer of its own
//   S_l = f(Z_l + b_l)           for the former with dropout on the layer (A_l = S_l ⊙ mask): a buffer of its own
// and the dropout of the step (Dropout.cs: the mask is recomputed from its key, never stored), keyed by the stream's
// seed and the step's index in it. Built when the trainer is made and when its dropout rates change, never in a step.
namespace FastMlp;

internal sealed unsafe class TrainingLayers
{
    private readonly PinnedFloats? _saved;
    private readonly long[] _savedOffsets;   // −1: S_l is A_l
    private readonly float[] _rates;

    /// <param name="network">The network trained.</param>
    /// <param name="maxBatch">The largest batch a step passes.</param>
    /// <param name="rates">One dropout rate per hidden layer, each in [0, 1); empty for none.</param>
    public TrainingLayers(Network network, int maxBatch, ReadOnlySpan<float> rates)
    {
        ParameterLayout layout = network.Layout;
        _rates = new float[layout.Layers];
        rates.CopyTo(_rates);
        HasDropout = rates.IndexOfAnyExcept(0f) >= 0;
        _savedOffsets = new long[layout.Layers];
        long total = 0;
        for (int l = 0; l < layout.Layers; l++)
        {
            bool own = Elementwise.DerivesFromInput(network.ActivationOf(l)) || _rates[l] > 0;
            _savedOffsets[l] = own ? total : -1;
            total += own ? ((long)maxBatch * layout.Out(l) + 15) & ~15L : 0;
        }

        if (total > Array.MaxLength - 16)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxBatch), maxBatch, $"The saved activations of {maxBatch} samples need {total} floats; at most {Array.MaxLength - 16} fit.");
        }

        _saved = total > 0 ? new PinnedFloats((int)total) : null;
    }

    /// <summary>The seed of the dropout masks.</summary>
    public int Seed { get; set; }

    /// <summary>The index of the next step in the mask stream (every step counts, with dropout or not).</summary>
    public long Step { get; set; }

    /// <summary>Whether a layer has dropout.</summary>
    public bool HasDropout { get; }

    /// <summary>Whether any layer keeps a buffer of its own (the tiny path keeps none, so such a network leaves it).</summary>
    public bool SavesAny => _saved is not null;

    /// <summary>The dropout rate of layer <paramref name="layer"/>; 0 for none (the output layer always).</summary>
    public float Rate(int layer) => _rates[layer];

    /// <summary>The factor dropout scales a kept value of layer <paramref name="layer"/> by (1/(1 − rate) as computed); 1 without dropout.</summary>
    public double Scale(int layer) => _rates[layer] > 0 ? 1f / (1f - _rates[layer]) : 1;

    /// <summary>The dropout of layer <paramref name="layer"/> in step <paramref name="step"/>; null for none.</summary>
    public Dropout? DropoutOf(int layer, long step) => _rates[layer] > 0 ? new Dropout(_rates[layer], Seed, step, layer) : null;

    /// <summary>What backward needs of layer <paramref name="layer"/> in the current step, as the input of the layer above.</summary>
    public LayerInput Input(int layer, Network network, Workspace workspace) =>
        new(network.ActivationOf(layer), Saved(layer, workspace), DropoutOf(layer, Step));

    /// <summary>S_l: what the derivative of layer <paramref name="layer"/> reads (the file header), during a step.</summary>
    public float* Saved(int layer, Workspace workspace) =>
        _savedOffsets[layer] < 0 ? workspace.Activation(layer) : _saved!.Pointer + _savedOffsets[layer];
}
