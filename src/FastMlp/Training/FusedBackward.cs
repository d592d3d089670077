// The backward pass with the optimizer fused into the weight-gradient product (issue 13): for a step whose
// update the guard has proven finite beforehand (Trainer.Fused.cs), each layer l = L..1
//   dZ_{l−1} = (dZ_l·W_lᵀ) ⊙ mask ⊙ f'(S_{l−1})    first, while W_l still holds this step's weights
//   db_l     = Σ_rows dZ_l, then the rule on the biases (UpdateDriver)
//   dW_l     = A_{l−1}ᵀ·dZ_l as the update needs it (FusedWeights.cs): at batch 1-4 row by row inside the
//              update loop, otherwise RowBlock rows at a time by the GEMM's own SIMD micro-kernel into a
//              buffer that stays in L1, then the rule into those rows of W and their state (UpdateDriver):
//              the gradients never go to memory as a whole buffer
// so at batch 1 the W2 step reads and writes each weight once in its update instead of writing a gradient,
// reading it back and reading the weight (1.8 MB less traffic of about 4.6 MB).
// Bits: every dW element is the sum the GEMM forms (the same micro-kernel on the same operands, the depth in
// order from zero: k = batch is one depth block), every update the same rule on the same values, so parameters
// and state equal those of the unfused step bit for bit (FusedStepProperties). The micro-kernel reads B two
// registers wide: layers whose width is not a multiple of that read a copy of dZ padded with zero columns
// (the micro-kernel stores only the real ones). The rule was first applied inside the micro-kernel's store, to
// registers: the JIT then would not inline the rule into the 6-row tile (its inlining budget), and each tile
// called it per register, 2-5× slower than the unfused step; one call per block of rows costs little.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal unsafe struct FusedBackward(
    Network network, Workspace workspace, TrainingLayers layers, float* inputs, int batch, float* gradients, float* panel, float* blocks, uint* magnitudes, int threads) : IUpdatePass
{
    /// <summary>The widest register pair of columns a tile takes (Vector512: 2 × 16), which sizes the padded copy of dZ.</summary>
    public const int MaxPanelColumns = 32;

    /// <summary>
    /// Rows of W per block (FusedWeights): two micro-kernel row tiles, so the block's gradients (12 rows × Out: 12 KiB
    /// for the W2 network's 256) stay in L1 between the product and the update.
    /// </summary>
    public const int RowBlock = 12;

    public readonly UpdateMagnitudes Run<TRule>(TRule rule, Span<float> first, Span<float> second)
        where TRule : struct, IUpdateRule =>
        GemmLanes512.IsSupported
            ? Run<TRule, GemmLanes512, Vector512<float>>(rule, first, second)
            : Run<TRule, GemmLanes256, Vector256<float>>(rule, first, second);

    private readonly UpdateMagnitudes Run<TRule, TLanes, TVector>(TRule rule, Span<float> first, Span<float> second)
        where TRule : struct, IUpdateRule
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        ParameterLayout layout = network.Layout;
        int last = layout.Layers - 1;
        float* p = network.ParametersPointer;
        var largest = default(MagnitudeBits);
        float* dZ = workspace.Delta(0);
        for (int l = last; l >= 0; l--)
        {
            float* input = l == 0 ? inputs : workspace.Activation(l - 1);
            int nIn = layout.In(l), nOut = layout.Out(l), bias = layout.BiasOffset(l);
            float* dInput = null;
            if (l > 0)
            {
                dInput = workspace.Delta((last - l + 1) & 1);
                DenseLayer.InputGradient(layers.Input(l - 1, network, workspace), dZ, batch, p, layout, l, dInput, DenseLayer.TrainingThreads(batch, nIn, nOut, threads));
            }

            DenseLayer.BiasGradient(dZ, batch, nOut, new Span<float>(gradients + bias, nOut));
            largest.Add(UpdateDriver.Run(rule, new StoredGradients(gradients + bias, nOut), Offset(first, bias), Offset(second, bias), p + bias, 1, nOut));
            int weights = layout.WeightOffset(l);
            Weights<TRule, TLanes, TVector>(rule, input, nIn, dZ, nOut, Offset(first, weights), Offset(second, weights), p + weights, ref largest);
            dZ = dInput;
        }

        return largest.Values();
    }

    /// <summary>
    /// W ← rule(xᵀ·dZ, W) for x [batch, nIn] and dZ [batch, nOut], W [nIn, nOut] row-major, its state at s1 and s2
    /// alongside (null past TRule.States); its rows shared by the threads the training split rule gives the layer.
    /// </summary>
    private readonly void Weights<TRule, TLanes, TVector>(TRule rule, float* x, int nIn, float* dZ, int nOut, float* s1, float* s2, float* w, ref MagnitudeBits largest)
        where TRule : struct, IUpdateRule
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        float* b = dZ;
        int ldb = nOut, nr = 2 * TLanes.Count;
        if (!FusedWeights<TRule, TLanes, TVector>.RowByRow(batch, nOut) && nOut % nr != 0)
        {
            ldb = (int)GemmBlocking.RoundUp(nOut, nr);
            for (int r = 0; r < batch; r++)
            {
                new ReadOnlySpan<float>(dZ + (r * nOut), nOut).CopyTo(new Span<float>(panel + (r * ldb), nOut));
                new Span<float>(panel + (r * ldb) + nOut, ldb - nOut).Clear();
            }

            b = panel;
        }

        int workers = WorkerPool.Cap(DenseLayer.TrainingThreads(batch, nIn, nOut, threads));
        new Span<uint>(magnitudes, 3 * workers).Clear();
        WorkerPool.Run(new FusedWeights<TRule, TLanes, TVector>(rule, x, nIn, b, ldb, nOut, batch, s1, s2, w, blocks, magnitudes), workers);
        for (int worker = 0; worker < workers; worker++)
        {
            largest.Add(magnitudes[3 * worker], magnitudes[(3 * worker) + 1], magnitudes[(3 * worker) + 2]);
        }
    }

    /// <summary>Element <paramref name="start"/> of a pinned state buffer (OptimizerState); null for one the rule does not have.</summary>
    private static float* Offset(Span<float> state, int start) => state.IsEmpty ? null : (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(state)) + start;
}
