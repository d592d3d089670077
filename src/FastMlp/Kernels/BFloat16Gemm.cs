// Z = X · W for weights held as bfloat16: x [batch, k] float, w [k, n] bfloat16 row-major, z [batch, n]
// float, every product and sum in float (the weights widen exactly). Batch-1 inference reads each weight
// once and is bound by how many bytes that is, so the kernel streams W as it is stored, widening 4
// registers of it per depth step with a 16-bit shift, and keeps the row's outputs in registers: for each
// block of 4·Count columns, two sets of 4 accumulators (even and odd depths, so 8 FMA chains hide the FMA
// latency) run down all k rows of W. Larger batches run the same loop per row, reading W once per row
// (the step left: a multi-row block, or widening a panel into the GEMM's float packing).
//
// Over-read: a block's loads may run up to 4·Count − 1 elements past a row's last column (into the next
// row, or the next layer), so the caller's weight buffer must have BFloat16Weights.Pad elements after the
// last layer. Those lanes hold other weights, never any output: stores are masked to the n columns.
using System.Runtime.Intrinsics;

namespace FastMlp;

internal static unsafe class BFloat16Gemm
{
    /// <summary>The most elements a load reads past a row's end (4 registers of 16 lanes).</summary>
    public const int OverRead = 64;

    /// <summary>z [batch, n] = x [batch, k] · w [k, n], z written, never read.</summary>
    public static void Multiply(float* x, int batch, ushort* w, int k, int n, float* z)
    {
        if (GemmLanes512.IsSupported)
        {
            Multiply<GemmLanes512, Vector512<float>>(x, batch, w, k, n, z);
        }
        else if (GemmLanes256.IsSupported)
        {
            Multiply<GemmLanes256, Vector256<float>>(x, batch, w, k, n, z);
        }
        else
        {
            Multiply<GemmLanesScalar, float>(x, batch, w, k, n, z);
        }
    }

    private static void Multiply<TLanes, TVector>(float* x, int batch, ushort* w, int k, int n, float* z)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count;
        for (int r = 0; r < batch; r++)
        {
            float* xr = x + ((long)r * k), zr = z + ((long)r * n);
            for (int j = 0; j < n; j += 4 * lanes)
            {
                TVector a0 = default, a1 = default, a2 = default, a3 = default;
                TVector b0 = default, b1 = default, b2 = default, b3 = default;
                ushort* w0 = w + j;
                int i = 0;
                for (; i + 1 < k; i += 2, w0 += 2L * n)
                {
                    ushort* w1 = w0 + n;
                    TVector x0 = TLanes.Broadcast(xr[i]), x1 = TLanes.Broadcast(xr[i + 1]);
                    a0 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0), a0);
                    a1 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + lanes), a1);
                    a2 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + (2 * lanes)), a2);
                    a3 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + (3 * lanes)), a3);
                    b0 = TLanes.MultiplyAdd(x1, TLanes.LoadBFloat16(w1), b0);
                    b1 = TLanes.MultiplyAdd(x1, TLanes.LoadBFloat16(w1 + lanes), b1);
                    b2 = TLanes.MultiplyAdd(x1, TLanes.LoadBFloat16(w1 + (2 * lanes)), b2);
                    b3 = TLanes.MultiplyAdd(x1, TLanes.LoadBFloat16(w1 + (3 * lanes)), b3);
                }

                if (i < k)
                {
                    TVector x0 = TLanes.Broadcast(xr[i]);
                    a0 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0), a0);
                    a1 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + lanes), a1);
                    a2 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + (2 * lanes)), a2);
                    a3 = TLanes.MultiplyAdd(x0, TLanes.LoadBFloat16(w0 + (3 * lanes)), a3);
                }

                float* zj = zr + j;
                int left = n - j;
                Store<TLanes, TVector>(zj, TLanes.Add(a0, b0), left);
                Store<TLanes, TVector>(zj + lanes, TLanes.Add(a1, b1), left - lanes);
                Store<TLanes, TVector>(zj + (2 * lanes), TLanes.Add(a2, b2), left - (2 * lanes));
                Store<TLanes, TVector>(zj + (3 * lanes), TLanes.Add(a3, b3), left - (3 * lanes));
            }
        }
    }

    /// <summary>The first min(<paramref name="left"/>, Count) lanes of <paramref name="value"/>; nothing when left ≤ 0.</summary>
    private static void Store<TLanes, TVector>(float* destination, TVector value, int left)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        if (left >= TLanes.Count)
        {
            TLanes.Store(destination, value);
        }
        else if (left > 0)
        {
            TLanes.Store(destination, value, TLanes.FirstLanes(left));
        }
    }
}
