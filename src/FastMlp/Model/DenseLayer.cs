// One dense layer on trusted pointers (shapes come from the ParameterLayout, buffers from a Workspace
// sized for the batch). Forward is one GEMM writing Z, then one sweep per row that adds the bias and
// applies the activation while the row is still in L1. Backward writes the gradients with β = 0
// (no zero-grad pass) and fuses the activation derivative of the layer below into its delta.
using System.Numerics.Tensors;

namespace FastMlp;

internal static unsafe class DenseLayer
{
    /// <summary>y = f(x·W + b): x [batch, In], y [batch, Out].</summary>
    public static void Forward(float* x, int batch, float* parameters, ParameterLayout layout, int layer, Activation activation, float* y, int maxDegreeOfParallelism)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        Gemm.Multiply(new GemmOperands(x, nIn, false, parameters + layout.WeightOffset(layer), nOut, false, y, nOut, batch, nOut, nIn, 1f, 0f), maxDegreeOfParallelism);
        var bias = new ReadOnlySpan<float>(parameters + layout.BiasOffset(layer), nOut);
        Elementwise.Forward(activation, bias, new Span<float>(y, batch * nOut), batch);
    }

    /// <summary>
    /// From dZ [batch, Out] of this layer: dW = xᵀ·dZ [In, Out] and db = Σ_rows dZ [Out] into
    /// <paramref name="gradients"/>; when <paramref name="dx"/> is not null, dx = (dZ·Wᵀ) ⊙ f'(x) [batch, In],
    /// f being <paramref name="inputActivation"/>, the activation that produced x.
    /// </summary>
    public static void Backward(
        float* x, Activation inputActivation, float* dZ, int batch, float* parameters, float* gradients,
        ParameterLayout layout, int layer, float* dx, int maxDegreeOfParallelism)
    {
        int nIn = layout.In(layer), nOut = layout.Out(layer);
        float* dWeights = gradients + layout.WeightOffset(layer);   // [In, Out]
        Gemm.Multiply(new GemmOperands(x, nIn, true, dZ, nOut, false, dWeights, nOut, nIn, nOut, batch, 1f, 0f), maxDegreeOfParallelism);

        var dBias = new Span<float>(gradients + layout.BiasOffset(layer), nOut);   // [Out]
        new ReadOnlySpan<float>(dZ, nOut).CopyTo(dBias);
        for (int r = 1; r < batch; r++)
        {
            TensorPrimitives.Add(dBias, new ReadOnlySpan<float>(dZ + (r * nOut), nOut), dBias);
        }

        if (dx == null)
        {
            return;
        }

        Gemm.Multiply(new GemmOperands(dZ, nOut, false, parameters + layout.WeightOffset(layer), nOut, true, dx, nIn, batch, nIn, nOut, 1f, 0f), maxDegreeOfParallelism);
        Elementwise.MultiplyDerivative(inputActivation, new ReadOnlySpan<float>(x, batch * nIn), new Span<float>(dx, batch * nIn), nIn);
    }
}
