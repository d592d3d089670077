// One dense layer on trusted pointers (shapes come from the ParameterLayout, buffers from a Workspace
// sized for the batch). Forward is one GEMM writing Z, then one sweep per row that adds the bias and
// applies the activation while the row is still in L1. Backward writes the gradients with β = 0
// (no zero-grad pass) and fuses the activation derivative of the layer below into its delta.
using System.Numerics.Tensors;

namespace FastMlp;

internal static unsafe class DenseLayer
{
    /// <summary>
    /// A training step splits a layer's products only from this many multiply-adds (batch · in · out), eight times the
    /// GEMM's own threshold: the update after them runs on the calling core and rewrites every weight, so a layer split
    /// below it moves its weights and gradients between the cores' caches each step instead of keeping them in one.
    /// Measured on the Zen 4 of perf/results/amd-epyc-zen4-2c (perf/AbCompare step, AB_THREADS=2): a W2 step at batch 1
    /// took 112.5-114.7 µs with the GEMM's threshold (its first layer split forward and in dW), 55.4-56.8 µs with
    /// this one (57.4-58.0 before the GEMM's threshold came down). Inference keeps the GEMM's threshold: its weights
    /// stay put in each core's cache.
    /// </summary>
    public const long TrainingSplitMultiplyAdds = 1L << 19;

    /// <summary>The threads a training step gives this layer's products: <paramref name="maxDegreeOfParallelism"/>, or 1 below <see cref="TrainingSplitMultiplyAdds"/>.</summary>
    public static int TrainingThreads(int batch, int nIn, int nOut, int maxDegreeOfParallelism) =>
        (long)batch * nIn * nOut >= TrainingSplitMultiplyAdds ? maxDegreeOfParallelism : 1;

    /// <summary>
    /// y = f(x·W + b): x [batch, In], y [batch, Out]; when <paramref name="input"/> is not null it also receives x·W + b,
    /// the input of an activation whose derivative needs it (Elementwise.DerivesFromInput).
    /// </summary>
    public static void Forward(float* x, int batch, float* parameters, ParameterLayout layout, int layer, Activation activation, float* y, int maxDegreeOfParallelism, float* input = null)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        Gemm.Multiply(new GemmOperands(x, nIn, false, parameters + layout.WeightOffset(layer), nOut, false, y, nOut, batch, nOut, nIn, 1f, 0f), maxDegreeOfParallelism);
        var bias = new ReadOnlySpan<float>(parameters + layout.BiasOffset(layer), nOut);
        if (input == null)
        {
            Elementwise.Forward(activation, bias, new Span<float>(y, batch * nOut), batch);
        }
        else
        {
            Elementwise.ForwardSavingInput(activation, bias, new Span<float>(y, batch * nOut), new Span<float>(input, batch * nOut), batch);
        }
    }

    /// <summary>
    /// y = f(x·W + b) with W the layer's bfloat16 <paramref name="weights"/> [In, Out] packed by BFloat16Gemm.Pack (up to
    /// <paramref name="maxDegreeOfParallelism"/> threads, as the float GEMM splits) and b the float bias from
    /// <paramref name="parameters"/>, added with the activation in the same row sweep as the float path.
    /// </summary>
    public static void Forward(float* x, int batch, uint* weights, float* parameters, ParameterLayout layout, int layer, Activation activation, float* y, int maxDegreeOfParallelism)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        BFloat16Gemm.Multiply(x, batch, weights, nIn, nOut, y, maxDegreeOfParallelism);
        Elementwise.Forward(activation, new ReadOnlySpan<float>(parameters + layout.BiasOffset(layer), nOut), new Span<float>(y, batch * nOut), batch);
    }

    /// <summary>
    /// From dZ [batch, Out] of this layer: dW = xᵀ·dZ [In, Out] and db = Σ_rows dZ [Out] into
    /// <paramref name="gradients"/>; when <paramref name="dx"/> is not null, the gradient of the layer below
    /// (<see cref="InputGradient"/>).
    /// </summary>
    public static void Backward(float* x, in LayerInput below, float* dZ, int batch, float* parameters, float* gradients, ParameterLayout layout, int layer, float* dx, int maxDegreeOfParallelism)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        float* dWeights = gradients + layout.WeightOffset(layer);   // [In, Out]
        Gemm.Multiply(new GemmOperands(x, nIn, true, dZ, nOut, false, dWeights, nOut, nIn, nOut, batch, 1f, 0f), maxDegreeOfParallelism);
        BiasGradient(dZ, batch, nOut, new Span<float>(gradients + layout.BiasOffset(layer), nOut));
        if (dx != null)
        {
            InputGradient(below, dZ, batch, parameters, layout, layer, dx, maxDegreeOfParallelism);
        }
    }

    /// <summary>db = Σ_rows dZ [Out], the rows added in order.</summary>
    public static void BiasGradient(float* dZ, int batch, int nOut, Span<float> dBias)
    {
        new ReadOnlySpan<float>(dZ, nOut).CopyTo(dBias);
        for (int r = 1; r < batch; r++)
        {
            TensorPrimitives.Add(dBias, new ReadOnlySpan<float>(dZ + (r * nOut), nOut), dBias);
        }
    }

    /// <summary>
    /// dZ of the layer below, [batch, In]: (dZ·Wᵀ) ⊙ mask ⊙ f'(S), reading this layer's weights, the mask being the
    /// dropout of the layer below in this step (if any) and S what its derivative reads (TrainingLayers).
    /// </summary>
    public static void InputGradient(in LayerInput below, float* dZ, int batch, float* parameters, ParameterLayout layout, int layer, float* dx, int maxDegreeOfParallelism)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        Gemm.Multiply(new GemmOperands(dZ, nOut, false, parameters + layout.WeightOffset(layer), nOut, true, dx, nIn, batch, nIn, nOut, 1f, 0f), maxDegreeOfParallelism);
        var gradient = new Span<float>(dx, batch * nIn);
        below.Dropout?.Apply(gradient, gradient);
        Elementwise.MultiplyDerivative(below.Activation, new ReadOnlySpan<float>(below.Saved, batch * nIn), gradient, nIn);
    }
}

/// <summary>What backward needs of the layer that produced a layer's input: its activation, what its derivative reads (S), its dropout.</summary>
internal readonly unsafe struct LayerInput(Activation activation, float* saved, Dropout? dropout)
{
    public Activation Activation => activation;

    public float* Saved => saved;

    public Dropout? Dropout => dropout;
}
