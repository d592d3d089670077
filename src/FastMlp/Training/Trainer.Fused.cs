// The fused step (FusedBackward.cs): the optimizer applied inside the weight-gradient product, so a step of a
// few samples reads and writes each weight once in its update instead of writing a gradient, reading it back
// and reading the weight. The update guard must decide before the first weight is written, that is before the
// gradients exist, so it proves the update finite from bounds known after the loss (PriorGradientBound):
//   |dW_l|, |db_l| ≤ batch · max|A_{l−1}| · max|dZ_l| · 2         as GradientBound, with max|dZ_l| bounded by
//   |dZ_{l−1}|     ≤ Out_l · max|p| · max|dZ_l| · 2 · max|f'| · s   (dZ_l·W_lᵀ ⊙ mask ⊙ f', |W| ≤ max|p|, MaxDerivative,
//                                                                   s the dropout scale of layer l−1, 1 without)
// from the exact max|dZ_L| and the activations of the forward pass. When that proof fails (values near
// float.MaxValue, a NaN) or the loss is not finite, the step runs backward unfused and its guard exactly as
// a step that never fused would, so its exception, and what it leaves unchanged, are the same.
// A step fuses when: the Trainer does not keep gradients (KeepsGradients) nor clip them, the optimizer is a built-in one
// (IGuardedOptimizer), the guard is on, the batch is at most FusedBatchLimit, the network is not on the tiny
// path, and the machine runs the SIMD micro-kernel (AVX2 + FMA3 at least). The limit is where fusing stopped
// paying: a W2 step on one thread fused / with KeepsGradients took 32.9 / 55.2 µs at batch 1, 60.8 / 76.2 at 4,
// 325.9 / 328.6 at 32, and within the noise of each other at 48 and 64 (488.6-488.7 / 485.7-489.1, 647-677 /
// 628-670; a loop of steps, the two alternating), the
// update being a small part of the step there and the GEMM's own tile path packing what the fused walk reads in place.
namespace FastMlp;

public sealed unsafe partial class Trainer
{
    /// <summary>
    /// The largest batch a step fuses its update at. At most the GEMM's depth block, so dW's depth is one block and its
    /// sums are the GEMM's, bit for bit.
    /// </summary>
    internal const int FusedBatchLimit = 64;

    // The copy of dZ padded to whole register pairs for layers whose width is not a multiple of one, each worker's block
    // of weight gradients between product and update, and each worker's three magnitudes (FusedBackward, FusedWeights);
    // null when this trainer never fuses.
    private PinnedFloats? _panel, _blocks;
    private uint[]? _magnitudes;

    /// <summary>How many Steps took the fused backward pass (tests prove with it which path ran).</summary>
    internal long FusedSteps { get; private set; }

    /// <summary>Whether a Step of <paramref name="batch"/> samples tries the fused update (it still falls back when the guard cannot prove it).</summary>
    internal bool FusesUpdate(int batch) => _panel is not null && !KeepsGradients && !Clips && GuardsUpdates && batch <= FusedBatchLimit;

    /// <summary>Allocates the fused step's buffers when this trainer can fuse (a built-in optimizer, the SIMD micro-kernel), else clears them.</summary>
    private void AllocateFusedBuffers()
    {
        if (_tiny is not null || Optimizer is not IGuardedOptimizer || !GemmLanes256.IsSupported)
        {
            (_panel, _blocks, _magnitudes) = (null, null, null);
            return;
        }

        ParameterLayout layout = Network.Layout;
        int widest = 0;
        for (int l = 0; l < layout.Layers; l++)
        {
            widest = Math.Max(widest, layout.Out(l));
        }

        _panel = new PinnedFloats(checked(Math.Min(MaxBatch, FusedBatchLimit) * (int)GemmBlocking.RoundUp(widest, FusedBackward.MaxPanelColumns)));
        int workers = WorkerPool.Cap(_workspace.MaxDegreeOfParallelism);
        _blocks = new PinnedFloats(checked(workers * FusedBackward.RowBlock * widest));
        _magnitudes = GC.AllocateArray<uint>(3 * workers, pinned: true);
    }

    /// <summary>
    /// After the forward pass and the loss: when the loss is finite and the guard can prove the update finite now, runs
    /// the fused backward pass and update and returns true. Otherwise returns false having written nothing, and the
    /// caller runs the unfused backward pass and update.
    /// </summary>
    private bool TryFusedBackward(float loss, float* inputs, int batch)
    {
        if (!float.IsFinite(loss))
        {
            return false;
        }

        var guarded = (IGuardedOptimizer)Optimizer;
        long taken = Network.ParametersTaken;
        double maxParameter = BindAndBoundParameters(guarded, taken);
        if (!guarded.Bounded(PriorGradientBound(inputs, batch, maxParameter), maxParameter))
        {
            return false;
        }

        float largest;
        fixed (uint* magnitudes = _magnitudes)
        {
            var pass = new FusedBackward(Network, _workspace, _layers, inputs, batch, _gradients.Pointer, _panel!.Pointer, _blocks!.Pointer, magnitudes, _workspace.MaxDegreeOfParallelism);
            largest = guarded.Update(ref pass);
        }

        CheckProvenUpdate(guarded, largest, taken);
        Network.RecordLargestParameter(largest, taken);
        FusedSteps++;
        return true;
    }

    /// <summary>
    /// A bound on every gradient of this step from what the forward pass and the loss left, before backward runs (the
    /// file header derives it); NaN or +∞ when it cannot be had.
    /// </summary>
    private double PriorGradientBound(float* inputs, int batch, double maxParameter)
    {
        ParameterLayout layout = Network.Layout;
        int last = layout.Layers - 1;
        double maxDz = MaxAbsolute.OrNaN(new ReadOnlySpan<float>(_workspace.Delta(0), batch * layout.Out(last)));
        double bound = 0;
        for (int l = last; l >= 0; l--)
        {
            float* x = l == 0 ? inputs : _workspace.Activation(l - 1);
            double maxX = MaxAbsolute.OrNaN(new ReadOnlySpan<float>(x, batch * layout.In(l)));
            bound = Math.Max(bound, GradientBound(maxX, maxDz, batch));
            if (l > 0)
            {
                maxDz = layout.Out(l) * maxParameter * maxDz * Rounding(layout.Out(l) + 2) * MaxDerivative(Network.ActivationOf(l - 1)) * _layers.Scale(l - 1);
            }
        }

        return bound;
    }

    /// <summary>max |f'| as computed (IActivationOperator.Derivative) for a hidden layer's activation.</summary>
    internal static double MaxDerivative(Activation activation) => activation switch
    {
        // Identity and ReLU: exactly 1 or 0; LeakyReLU: 1 or 0.01; tanh: 1 − y², y² ≥ 0; sigmoid: y·(1 − y) ≤ 0.25 + rounding.
        Activation.Identity or Activation.Relu or Activation.LeakyRelu or Activation.Tanh or Activation.Sigmoid => 1,
        // GELU: Φ(x) + x·φ(x) peaks at x = √2, 1.12890; SiLU: σ(x)·(1 + x·(1 − σ(x))) at x ≈ 2.3994, 1.09984; each
        // computed within 1e-5 of that.
        Activation.Gelu => 1.13,
        Activation.Silu => 1.1,
        _ => double.PositiveInfinity,   // Softmax is output-only; an activation without a bound never fuses
    };
}
