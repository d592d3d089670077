// Row softmax, stable for any finite logits (the max is subtracted first: TensorPrimitives.SoftMax
// does not, and returns NaN near 89), and its Jacobian-vector product for losses other than
// cross-entropy. The cross-entropy case never needs the Jacobian: its gradient is (P · Σt − T) / B per row
// (LossFunctions.CrossEntropy derives it).
// A row that fits one register (the 10 classes of an MNIST output on AVX-512) is done in that register,
// every row in one loop: six TensorPrimitives calls per 10-wide row cost more than their arithmetic
// (perf record of a W3 batch-64 prediction: about 3% of the call, the softmax's share of the time).
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace FastMlp;

internal static unsafe class Softmax
{
    /// <summary>z ← exp(z + b − max) / Σ exp(z + b − max), each row of bias.Length values.</summary>
    public static void Forward(ReadOnlySpan<float> bias, Span<float> z, int rows)
    {
        int n = bias.Length;
        if (n <= GemmLanes512.Count && GemmLanes512.IsSupported)
        {
            InRegister<GemmLanes512, System.Runtime.Intrinsics.Vector512<float>>(bias, z, rows);
            return;
        }

        if (n <= GemmLanes256.Count && GemmLanes256.IsSupported)
        {
            InRegister<GemmLanes256, System.Runtime.Intrinsics.Vector256<float>>(bias, z, rows);
            return;
        }

        InSpans(bias, z, rows);
    }

    /// <summary>Forward through TensorPrimitives, one row at a time: any row length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InSpans(ReadOnlySpan<float> bias, Span<float> z, int rows)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = z.Slice(r * n, n);
            TensorPrimitives.Add(row, bias, row);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    /// <summary>
    /// Forward on rows of n ≤ TLanes.Count values, one register per row: the lanes past n are neither read nor
    /// written, are −∞ for the max and 0 in the sum. The same operations as the span loop (add, max, subtract, exp,
    /// sum, divide), only the sum's order differs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InRegister<TLanes, TVector>(ReadOnlySpan<float> bias, Span<float> z, int rows)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        int n = bias.Length;
        fixed (float* pb = bias, pz = z)
        {
            TVector mask = TLanes.FirstLanes(n);
            TVector b = TLanes.Load(pb, mask);
            TVector lowest = TLanes.Broadcast(float.NegativeInfinity);
            float* row = pz;
            for (int r = 0; r < rows; r++, row += n)
            {
                TVector s = TLanes.Add(TLanes.Load(row, mask), b);
                TVector max = TLanes.Broadcast(TLanes.MaxAcross(TLanes.Select(mask, s, lowest)));
                TVector e = TLanes.Select(mask, TLanes.Exp(TLanes.Subtract(s, max)), default);
                TLanes.Store(row, TLanes.Divide(e, TLanes.Broadcast(TLanes.SumAcross(e))), mask);
            }
        }
    }

    /// <summary>dy ← y ⊙ (dy − (dy · y)) on one row: the gradient through softmax for an upstream gradient dy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> y, Span<float> dy)
    {
        float dot = TensorPrimitives.Dot(dy, y);
        TensorPrimitives.Subtract(dy, dot, dy);
        TensorPrimitives.Multiply(dy, y, dy);
    }
}
