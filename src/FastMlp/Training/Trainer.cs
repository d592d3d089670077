// Forward, loss, backward and the optimizer step over one batch, on buffers built once:
//   forward   every layer's output kept in the Workspace
//   loss      dZ_L from LossFunctions (softmax + cross-entropy fused: (P · Σt − T) / B per row)
//   backward  l = L..1: dW_l = A_{l−1}ᵀ·dZ_l (β = 0), db_l = Σ_rows dZ_l,
//             dZ_{l−1} = (dZ_l·W_lᵀ) ⊙ f'(A_{l−1}), ping-ponging between the two delta buffers
//   guard     a non-finite loss, or gradients that could be non-finite (bounded from each layer's
//             input and delta: GradientBound), throw TrainingDivergedException before the update
//   update    optimizer.Step(Gradients, Parameters), one flat in-place call, guarded (Trainer.Update.cs): an
//             update that would make a parameter or the optimizer's state non-finite throws
//             TrainingDivergedException with both as they were
// Sample weights (Trainer.Weights.cs, SampleWeights.cs) enter only through the loss's dZ rows (w_r / Σw for 1 / B),
// so every path after it (tiny, fused, clipping, the guard) takes them as they are.
// Networks whose every product is tiny run forward, loss and backward as one straight-line pass instead
// (TinyStep.cs), with the same bits; the guard and the update are the same for both.
// Unless KeepsGradients, a step of at most FusedBatchLimit samples whose update the guard proves finite from
// bounds known before backward runs applies the optimizer inside the weight-gradient product instead
// (Trainer.Fused.cs, FusedBackward.cs): the same parameters, bit for bit, without writing the gradients.
// A steady-state Step allocates nothing.
namespace FastMlp;

/// <summary>Trains a <see cref="Network"/> by backpropagation, one batch per <see cref="Step(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
public sealed unsafe partial class Trainer : IDisposable
{
    private readonly Workspace _workspace;
    private readonly PinnedFloats _gradients;

    // The straight-line pass for networks that small (TinyStep.cs); null: the general path.
    private ITinyStep? _tiny;

    /// <param name="network">The network to train; its parameters are updated in place.</param>
    /// <param name="loss">What to minimize; CrossEntropy needs a Softmax output layer, BinaryCrossEntropy a Sigmoid one.</param>
    /// <param name="optimizer">
    /// How parameters move along their gradients. A built-in optimizer's state binds to this network's parameters at the
    /// first Step; another network's Trainer cannot share it until its Reset.
    /// </param>
    /// <param name="maxBatch">The largest batch a Step will pass; at least 1.</param>
    /// <param name="maxDegreeOfParallelism">-1 for all cores, otherwise the most threads a Step may use.</param>
    public Trainer(Network network, Loss loss, IOptimizer optimizer, int maxBatch, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Enum.IsDefined(loss))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(loss), loss, $"{loss} is not a Loss.");
        }

        if (loss == Loss.CrossEntropy && network.OutputActivation != Activation.Softmax)
        {
            ThrowHelper.ThrowArgument(nameof(loss), $"CrossEntropy needs a Softmax output layer; this network's output is {network.OutputActivation}.");
        }

        if (loss == Loss.BinaryCrossEntropy && network.OutputActivation != Activation.Sigmoid)
        {
            ThrowHelper.ThrowArgument(nameof(loss), $"BinaryCrossEntropy needs a Sigmoid output layer; this network's output is {network.OutputActivation}.");
        }

        Network.ValidateWorkspaceArguments(maxBatch, maxDegreeOfParallelism);
        Network = network;
        Loss = loss;
        Optimizer = optimizer;
        _workspace = new Workspace(network.Layout, maxBatch, maxDegreeOfParallelism, training: true);
        _gradients = new PinnedFloats(network.Layout.Count);
        ConfigureLayers([], 0, 0, first: true);
    }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>The loss being minimized.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer applied after each backward pass.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The largest batch a Step accepts.</summary>
    public int MaxBatch => _workspace.MaxBatch;

    /// <summary>Whether Steps run the straight-line pass of TinyStep.cs (tests).</summary>
    internal bool UsesTinyStep => _tiny is not null;

    /// <summary>
    /// Whether each Step writes its gradients where <see cref="Gradients"/> shows them. False (the default) lets a Step
    /// apply the optimizer to the weight gradients as they are computed, without writing them (FusedBackward.cs); true
    /// keeps the gradients at the cost of that fusion. Takes effect from the next Step; parameters are the same either way.
    /// </summary>
    public bool KeepsGradients { get; set; }

    /// <summary>
    /// The gradients (batch means) of the last Step or <see cref="ComputeGradients"/>, in the layout of
    /// <see cref="Network.Parameters"/>; all zero before the first.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// <see cref="KeepsGradients"/> is false and the last call was a Step: Steps do not keep their gradients.
    /// </exception>
    public ReadOnlySpan<float> Gradients
    {
        get
        {
            if (!KeepsGradients && !_gradientsComputedOnly)
            {
                ThrowHelper.ThrowInvalidOperation("This Trainer's Steps do not keep their gradients: set KeepsGradients = true before the Steps whose gradients you read (it costs the fused optimizer update).");
            }

            return _gradients.Span;
        }
    }

    /// <summary>
    /// One forward pass, backward pass and optimizer step over the batch, batch = inputs.Length / InputSize.
    /// Returns the batch loss (as <see cref="FastMlp.Loss"/> defines it) before the update. Allocates nothing.
    /// </summary>
    /// <param name="inputs">[batch, InputSize] row-major.</param>
    /// <param name="targets">[batch, OutputSize]: non-negative rows for CrossEntropy (one-hot, soft or unnormalized); the inputs themselves for an autoencoder.</param>
    /// <exception cref="ArgumentException">The inputs are not a whole, non-empty batch of at most MaxBatch samples, targets is not [batch, OutputSize], or a CrossEntropy target is negative.</exception>
    /// <exception cref="ObjectDisposedException">The trainer was disposed.</exception>
    /// <exception cref="TrainingDivergedException">
    /// The loss, or a gradient, is (or could be) NaN or infinite, or the update would make a parameter or a value of the
    /// optimizer's state NaN or infinite; the parameters and a built-in optimizer's state were not changed (a custom
    /// optimizer's parameters are restored; its own state is as its Step left it). Step does not scan its inputs: a NaN
    /// input shows up here.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The built-in optimizer's state belongs to another parameter buffer (another network's Trainer, or direct Steps on
    /// other memory); nothing was written. Or Network.Parameters was written through a span taken before the last Step
    /// and this update overflowed: then the update was written and could not be undone.
    /// </exception>
    public float Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        int batch = ValidateStep(inputs, targets);
        EnterOutsideFit();
        try
        {
            return StepEntered(inputs, targets, batch, BatchWeights.Equal(batch));
        }
        finally
        {
            _workspace.Exit();
        }
    }

    /// <summary>Checks a Step's inputs and targets; returns the batch.</summary>
    private int ValidateStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        int batch = Network.ValidateBatch(inputs, _workspace);
        if (batch == 0)
        {
            ThrowHelper.ThrowArgument(nameof(inputs), "A training step needs at least one sample; inputs is empty.");
        }

        if (targets.Length != batch * Network.OutputSize)
        {
            ThrowHelper.ThrowArgument(nameof(targets), $"targets has {targets.Length} elements but {batch} samples × {Network.OutputSize} outputs need {batch * Network.OutputSize}.");
        }

        return batch;
    }

    /// <summary>
    /// Frees the workspace; later calls throw <see cref="ObjectDisposedException"/>. During a running Step the
    /// memory is released when that Step returns; during Fit, at the next step boundary, where Fit throws
    /// <see cref="ObjectDisposedException"/> (the parameters are those after the last whole step). Never waits, never throws.
    /// </summary>
    public void Dispose() => _workspace.Dispose();

    /// <summary>Step on validated arguments (weights pinned, Σw &gt; 0), by a caller that holds the workspace (Enter).</summary>
    private float StepEntered(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, BatchWeights weights)
    {
        fixed (float* x = inputs, t = targets)
        {
            try
            {
                return Run(x, t, batch, weights);
            }
            finally
            {
                _layers.Step++;
            }
        }
    }

    private float Run(float* inputs, float* targets, int batch, BatchWeights weights)
    {
        _gradientsComputedOnly = false;
        float loss = Backpropagate(inputs, targets, batch, weights, fuse: true, out double maxGradient);
        if (double.IsNegativeInfinity(maxGradient))
        {
            return loss;   // the fused backward pass applied the update
        }

        if (Clips)
        {
            maxGradient = ClipGradients();
        }

        bool gradientsFinite = maxGradient < float.MaxValue;   // false for NaN
        if (!float.IsFinite(loss) || !gradientsFinite)
        {
            throw new TrainingDivergedException(loss, gradientsFinite);
        }

        Update(loss, maxGradient);
        return loss;
    }

    /// <summary>
    /// Forward, loss and backward: the gradients in <see cref="_gradients"/> and the largest gradient bound in
    /// <paramref name="maxGradient"/>. With <paramref name="fuse"/>, a step the fused pass can take is updated there
    /// instead, and <paramref name="maxGradient"/> is −∞. Returns the loss.
    /// </summary>
    private float Backpropagate(float* inputs, float* targets, int batch, BatchWeights weights, bool fuse, out double maxGradient)
    {
        if (_tiny is not null)
        {
            return _tiny.Backpropagate(inputs, targets, batch, weights, out maxGradient);
        }

        float loss = ForwardAndLoss(inputs, targets, batch, weights);
        if (fuse && FusesUpdate(batch) && TryFusedBackward(loss, inputs, batch))
        {
            maxGradient = double.NegativeInfinity;
            return loss;
        }

        maxGradient = Backward(inputs, batch);
        return loss;
    }

    /// <summary>Forces the general path on a trainer that would take the tiny one (tests compare the two).</summary>
    internal void UseGeneralPath()
    {
        _generalPathOnly = true;
        ConfigureLayers(_dropoutRates, _layers.Seed, _layers.Step, first: true);
    }

    /// <summary>The forward pass and the (weighted) loss; dZ of the output layer in Delta(0). Returns the loss.</summary>
    private float ForwardAndLoss(float* inputs, float* targets, int batch, BatchWeights weights)
    {
        ParameterLayout layout = Network.Layout;
        int last = layout.Layers - 1;
        TrainingForward(inputs, batch);
        return LossFunctions.Evaluate(Loss, Network.OutputActivation, _workspace.Activation(last), targets, batch, layout.Out(last), _workspace.Delta(0), weights, _layers.Saved(last, _workspace));
    }

    /// <summary>Backward through the layers from dZ in Delta(0), writing the gradients; returns the largest gradient bound.</summary>
    private double Backward(float* inputs, int batch)
    {
        ParameterLayout layout = Network.Layout;
        int last = layout.Layers - 1;
        int threads = _workspace.MaxDegreeOfParallelism;
        float* dZ = _workspace.Delta(0);
        double maxGradient = 0;
        for (int l = last; l >= 0; l--)
        {
            float* input = l == 0 ? inputs : _workspace.Activation(l - 1);
            float* dInput = l == 0 ? null : _workspace.Delta((last - l + 1) & 1);
            LayerInput below = l == 0 ? default : _layers.Input(l - 1, Network, _workspace);
            maxGradient = Math.Max(maxGradient, GradientBound(input, layout.In(l), dZ, layout.Out(l), batch));
            DenseLayer.Backward(input, below, dZ, batch, Network.ParametersPointer, _gradients.Pointer, layout, l, dInput, DenseLayer.TrainingThreads(batch, layout.In(l), layout.Out(l), threads));
            dZ = dInput;
        }

        return maxGradient;
    }

    /// <summary>
    /// Divergence guard for one layer, from the factors instead of the products: every |dW| = |xᵀ·dZ| and |db| = |Σ dZ|
    /// is at most batch · max|x| · max|dZ| (and batch · max|dZ|) in real arithmetic, and as computed (batch products and
    /// sums, each rounded by at most 2⁻²⁴) at most e^(batch·2⁻²³) times that: 2 up to 2²² samples. Returns that bound;
    /// NaN when x or dZ holds a NaN or infinity. Reads batch · (nIn + nOut) values instead of the whole gradient buffer.
    /// </summary>
    internal static double GradientBound(float* x, int nIn, float* dZ, int nOut, int batch) =>
        GradientBound(MaxAbsolute.OrNaN(new ReadOnlySpan<float>(x, batch * nIn)), MaxAbsolute.OrNaN(new ReadOnlySpan<float>(dZ, batch * nOut)), batch);

    /// <summary>The bound of <see cref="GradientBound(float*, int, float*, int, int)"/> from max|x| and max|dZ|.</summary>
    private static double GradientBound(double maxX, double maxDz, int batch) => batch * Math.Max(maxX, 1) * maxDz * Rounding(batch);

    /// <summary>
    /// How far a sum of <paramref name="terms"/> products, each operation rounded by at most 2⁻²⁴, can exceed the real
    /// sum of magnitudes: (1 + 2⁻²⁴)^(2·terms) ≤ e^(terms·2⁻²³), at most 2 up to 2²² terms.
    /// </summary>
    private static double Rounding(long terms) => terms <= 1 << 22 ? 2 : Math.Exp(terms / (double)(1 << 23));
}
