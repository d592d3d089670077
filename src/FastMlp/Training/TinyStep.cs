// The straight-line forward, loss and backward pass for networks small enough that the general path is all
// call overhead (the 2-2-1 XOR network, small regressors): every product takes the GEMM's tiny path at the
// trainer's MaxBatch (batch · in · out ≤ Gemm.TinyMultiplyAdds, one depth block) and every layer is narrower
// than a vector, so the activations run their scalar loop. Chosen once, when the Trainer is built, as one
// generic body per micro-kernel and activation pair: plain loops over the workspace, no calls into Gemm,
// DenseLayer or Elementwise and no argument checks inside. Each element gets exactly the general path's
// operations in its order (the kernel's MultiplyAdd chained over p from 0, then 1 · acc; the bias added before
// the activation; db summed row by row; the derivative through the saved output), so a Step's bits do not
// depend on which path ran (TinyStepProperties). Weighted steps take it too: the weights enter only through the
// loss's dZ, which both paths get from the same LossFunctions.SquaredError (SampleWeightTests).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastMlp;

/// <summary>Forward, loss and backward of one batch into the trainer's workspace and gradients.</summary>
internal unsafe interface ITinyStep
{
    /// <summary>Returns the loss (weighted by <paramref name="weights"/>) and the largest gradient bound of the layers (Trainer.GradientBound), as the general path does.</summary>
    float Backpropagate(float* inputs, float* targets, int batch, BatchWeights weights, out double maxGradient);
}

internal static class TinyStep
{
    /// <summary>The tiny step for this trainer's network, or null when a layer or a product is too large for it (or the output is Softmax, the loss not a squared error, or the hidden layers' activations differ).</summary>
    public static ITinyStep? TryCreate(Network network, Loss loss, Workspace workspace, PinnedFloats gradients)
    {
        ParameterLayout layout = network.Layout;
        if (network.OutputActivation == Activation.Softmax || loss is not (Loss.MeanSquaredError or Loss.SumSquaredError) || !network.HasUniformHidden)
        {
            return null;   // the straight-line pass has the squared errors only, and one hidden activation
        }

        for (int l = 0; l < layout.Layers; l++)
        {
            if (Elementwise.DerivesFromInput(network.ActivationOf(l)))
            {
                return null;   // GELU, SiLU: f' needs the saved input, which the straight-line pass does not keep
            }

            if (layout.Out(l) >= Vector256<float>.Count || (long)workspace.MaxBatch * layout.In(l) * layout.Out(l) > Gemm.TinyMultiplyAdds)
            {
                return null;
            }
        }

        // The kernel Gemm.Multiply would pick, whose MultiplyAdd fixes the rounding of every product.
        return GemmKernelAvx512.IsSupported ? Create<GemmKernelAvx512>(network, loss, workspace, gradients)
            : GemmKernelAvx2.IsSupported ? Create<GemmKernelAvx2>(network, loss, workspace, gradients)
            : Create<GemmKernelScalar>(network, loss, workspace, gradients);
    }

    private static ITinyStep Create<TKernel>(Network network, Loss loss, Workspace workspace, PinnedFloats gradients)
        where TKernel : struct, IGemmKernel => network.HiddenActivation switch
        {
            Activation.Sigmoid => Create<TKernel, SigmoidOperator>(network, loss, workspace, gradients),
            Activation.Tanh => Create<TKernel, TanhOperator>(network, loss, workspace, gradients),
            Activation.Relu => Create<TKernel, ReluOperator>(network, loss, workspace, gradients),
            Activation.LeakyRelu => Create<TKernel, LeakyReluOperator>(network, loss, workspace, gradients),
            _ => Create<TKernel, IdentityOperator>(network, loss, workspace, gradients),
        };

    private static ITinyStep Create<TKernel, THidden>(Network network, Loss loss, Workspace workspace, PinnedFloats gradients)
        where TKernel : struct, IGemmKernel
        where THidden : struct, IActivationOperator => network.OutputActivation switch
        {
            Activation.Sigmoid => new TinyStep<TKernel, THidden, SigmoidOperator>(network, loss, workspace, gradients),
            Activation.Tanh => new TinyStep<TKernel, THidden, TanhOperator>(network, loss, workspace, gradients),
            Activation.Relu => new TinyStep<TKernel, THidden, ReluOperator>(network, loss, workspace, gradients),
            Activation.LeakyRelu => new TinyStep<TKernel, THidden, LeakyReluOperator>(network, loss, workspace, gradients),
            _ => new TinyStep<TKernel, THidden, IdentityOperator>(network, loss, workspace, gradients),
        };
}

internal sealed unsafe class TinyStep<TKernel, THidden, TOutput>(Network network, Loss loss, Workspace workspace, PinnedFloats gradients) : ITinyStep
    where TKernel : struct, IGemmKernel
    where THidden : struct, IActivationOperator
    where TOutput : struct, IActivationOperator
{
    private readonly ParameterLayout _layout = network.Layout;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Backpropagate(float* inputs, float* targets, int batch, BatchWeights weights, out double maxGradient)
    {
        int last = _layout.Layers - 1;
        float* parameters = network.ParametersPointer;

        // Forward: y = f(x·W + b), row by row.
        float* x = inputs;
        for (int l = 0; l <= last; l++)
        {
            int nIn = _layout.In(l), nOut = _layout.Out(l);
            float* w = parameters + _layout.WeightOffset(l), b = parameters + _layout.BiasOffset(l), y = workspace.Activation(l);
            for (int i = 0; i < batch; i++)
            {
                for (int j = 0; j < nOut; j++)
                {
                    float acc = 0f;
                    for (int p = 0; p < nIn; p++)
                    {
                        acc = TKernel.MultiplyAdd(x[(i * nIn) + p], w[(p * nOut) + j], acc);
                    }

                    float z = (1f * acc) + b[j];
                    y[(i * nOut) + j] = l == last ? TOutput.Activate(z) : THidden.Activate(z);
                }
            }

            x = y;
        }

        float* dZ = workspace.Delta(0);
        float batchLoss = LossFunctions.SquaredError<TOutput>(loss, workspace.Activation(last), targets, batch, _layout.Out(last), dZ, weights);

        // Backward: dW = xᵀ·dZ, db = Σ_rows dZ, dx = (dZ·Wᵀ) ⊙ f'(x), l = last..0.
        maxGradient = 0;
        for (int l = last; l >= 0; l--)
        {
            int nIn = _layout.In(l), nOut = _layout.Out(l);
            float* input = l == 0 ? inputs : workspace.Activation(l - 1);
            maxGradient = Math.Max(maxGradient, Trainer.GradientBound(input, nIn, dZ, nOut, batch));
            float* dW = gradients.Pointer + _layout.WeightOffset(l), dB = gradients.Pointer + _layout.BiasOffset(l);
            for (int i = 0; i < nIn; i++)
            {
                for (int j = 0; j < nOut; j++)
                {
                    float acc = 0f;
                    for (int p = 0; p < batch; p++)
                    {
                        acc = TKernel.MultiplyAdd(input[(p * nIn) + i], dZ[(p * nOut) + j], acc);
                    }

                    dW[(i * nOut) + j] = 1f * acc;
                }
            }

            for (int j = 0; j < nOut; j++)
            {
                float sum = dZ[j];
                for (int r = 1; r < batch; r++)
                {
                    sum += dZ[(r * nOut) + j];
                }

                dB[j] = sum;
            }

            if (l == 0)
            {
                break;
            }

            float* w = network.ParametersPointer + _layout.WeightOffset(l);
            float* dx = workspace.Delta((last - l + 1) & 1);
            for (int i = 0; i < batch; i++)
            {
                for (int j = 0; j < nIn; j++)
                {
                    float acc = 0f;
                    for (int p = 0; p < nOut; p++)
                    {
                        acc = TKernel.MultiplyAdd(dZ[(i * nOut) + p], w[(j * nOut) + p], acc);
                    }

                    dx[(i * nIn) + j] = THidden.Derivative(input[(i * nIn) + j], 1f * acc);
                }
            }

            dZ = dx;
        }

        return batchLoss;
    }
}
