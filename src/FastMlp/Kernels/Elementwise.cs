// Generic drivers for the activation operators: the widest vectors the machine runs, then the scalar
// tail. Lengths are any value from 0; spans are either the same memory (in place) or disjoint.
// Like every loop kernel a training step or a prediction runs (GEMM paths and packing, loss, guard, update,
// softmax), they are AggressiveOptimization: compiled optimized on first call instead of running tier-0 code
// through the first seconds of a process (the demo's training steps took 0.44-0.47 s instead of 0.66-0.69,
// its first epoch 90,500-91,005 samples/s instead of 52,996-72,551). The orchestration around them (Trainer.Step,
// the layers, Gemm.Run) keeps tiered PGO, which measured faster warm for it; README "Warm-up" has the cost.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static class Elementwise
{
    /// <summary>z ← f(z + bias) on each of <paramref name="rows"/> rows, f picked once per call.</summary>
    public static void Forward(Activation activation, ReadOnlySpan<float> bias, Span<float> z, int rows)
    {
        switch (activation)
        {
            case Activation.Identity:
                Forward<IdentityOperator>(bias, z, rows);
                break;
            case Activation.Sigmoid:
                Forward<SigmoidOperator>(bias, z, rows);
                break;
            case Activation.Tanh:
                Forward<TanhOperator>(bias, z, rows);
                break;
            case Activation.Relu:
                Forward<ReluOperator>(bias, z, rows);
                break;
            case Activation.LeakyRelu:
                Forward<LeakyReluOperator>(bias, z, rows);
                break;
            case Activation.Gelu:
                Forward<GeluOperator>(bias, z, rows);
                break;
            case Activation.Silu:
                Forward<SiluOperator>(bias, z, rows);
                break;
            default:
                Softmax.Forward(bias, z, rows);
                break;
        }
    }

    /// <summary>
    /// Whether f' is not a function of f's output, so a training step keeps f's input for backward and
    /// MultiplyDerivative reads that input instead of y.
    /// </summary>
    public static bool DerivesFromInput(Activation activation) => activation is Activation.Gelu or Activation.Silu;

    /// <summary>input ← z + bias, z ← f(input) on each of <paramref name="rows"/> rows (an activation that DerivesFromInput).</summary>
    public static void ForwardSavingInput(Activation activation, ReadOnlySpan<float> bias, Span<float> z, Span<float> input, int rows)
    {
        if (activation == Activation.Gelu)
        {
            ForwardSavingInput<GeluOperator>(bias, z, input, rows);
        }
        else
        {
            ForwardSavingInput<SiluOperator>(bias, z, input, rows);
        }
    }

    /// <summary>dy ← dy · f'(x) through y = f(x), rows of <paramref name="rowLength"/> values (Softmax: its Jacobian per row).</summary>
    public static void MultiplyDerivative(Activation activation, ReadOnlySpan<float> y, Span<float> dy, int rowLength)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
                MultiplyDerivative<SigmoidOperator>(y, dy);
                break;
            case Activation.Tanh:
                MultiplyDerivative<TanhOperator>(y, dy);
                break;
            case Activation.Relu:
                MultiplyDerivative<ReluOperator>(y, dy);
                break;
            case Activation.LeakyRelu:
                MultiplyDerivative<LeakyReluOperator>(y, dy);
                break;
            case Activation.Gelu:
                MultiplyDerivative<GeluOperator>(y, dy);
                break;
            case Activation.Silu:
                MultiplyDerivative<SiluOperator>(y, dy);
                break;
            case Activation.Softmax:
                for (int r = 0; r < dy.Length; r += rowLength)
                {
                    Softmax.Backward(y.Slice(r, rowLength), dy.Slice(r, rowLength));
                }

                break;
            default:
                break;   // Identity: f' = 1
        }
    }

    /// <summary>z ← f(z + bias) on each of <paramref name="rows"/> rows of <paramref name="bias"/>.Length values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TOp>(ReadOnlySpan<float> bias, Span<float> z, int rows)
        where TOp : struct, IActivationOperator
    {
        int n = bias.Length;
        if (n >= Vector256<float>.Count)
        {
            for (int r = 0; r < rows; r++)
            {
                TOp.Forward(bias, z.Slice(r * n, n));
            }

            return;
        }

        // Short rows (the 2-2-1 network): one scalar pass, no per-row calls. The choice depends on the
        // row length only, so a row's values never depend on the batch it came in.
        for (int i = 0; i < rows * n; i++)
        {
            z[i] = TOp.Activate(z[i] + bias[i % n]);
        }
    }

    /// <summary>
    /// pre ← z + bias and z ← f(pre) on each of <paramref name="rows"/> rows (pre and z disjoint, same length), for
    /// the operators whose derivative takes the pre-activation (GELU, SiLU): z gets the bits Forward gives, since
    /// the same float addition forms z + b in both passes and z itself goes through Forward.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSavingInput<TOp>(ReadOnlySpan<float> bias, Span<float> z, Span<float> pre, int rows)
        where TOp : struct, IActivationOperator
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(z.Slice(r * n, n), bias, pre.Slice(r * n, n));
        }

        Forward<TOp>(bias, z, rows);
    }

    /// <summary>dy ← dy · f'(x), through the outputs y = f(x) (GELU, SiLU: through the pre-activations x); same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyDerivative<TOp>(ReadOnlySpan<float> y, Span<float> dy)
        where TOp : struct, IActivationOperator
    {
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rd = ref MemoryMarshal.GetReference(dy);
        nuint n = (uint)dy.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                TOp.Derivative(Vector512.LoadUnsafe(ref ry, i), Vector512.LoadUnsafe(ref rd, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                TOp.Derivative(Vector256.LoadUnsafe(ref ry, i), Vector256.LoadUnsafe(ref rd, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = TOp.Derivative(Unsafe.Add(ref ry, i), Unsafe.Add(ref rd, i));
        }
    }
}
