// One layer's fused weight update (FusedBackward.cs) as a parallel job: W ← rule(xᵀ·dZ, W), the rows of W
// shared among the workers in whole blocks (GemmBlocking.Share), each worker with its own block buffer and
// its own slot for the magnitudes it wrote, so no two touch the same memory.
//   batch ≤ 4    each row of dW computed register by register inside the update loop (OuterProductGradients)
//   batch > 4    FusedBackward.RowBlock rows of dW at a time by the GEMM's SIMD micro-kernel into the worker's block (it stays
//                in L1), then the rule from it (StoredGradients)
// A row's arithmetic does not depend on which worker takes it, so any split gives the same bits.
using System.Runtime.CompilerServices;

namespace FastMlp;

internal readonly unsafe struct FusedWeights<TRule, TLanes, TVector>(
    TRule rule, float* x, int nIn, float* dZ, int ldz, int nOut, int batch, float* s1, float* s2, float* w, float* blocks, uint* magnitudes) : IParallelBody
    where TRule : struct, IUpdateRule
    where TLanes : struct, IGemmLanes<TVector>
    where TVector : struct
{
    public void Prepare(int workerCount)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
    {
        (int start, int end) = GemmBlocking.Share(nIn, FusedBackward.RowBlock, worker, workerCount);
        var largest = default(MagnitudeBits);
        if (RowByRow(batch, nOut))
        {
            nint at = (nint)start * nOut;
            largest.Add(UpdateDriver.Run(rule, new OuterProductGradients(x + start, nIn, dZ, nOut, batch), s1 + at, s2 + at, w + at, end - start, nOut));
        }
        else
        {
            float* block = blocks + ((nint)worker * FusedBackward.RowBlock * nOut);
            for (int i0 = start; i0 < end; i0 += FusedBackward.RowBlock)
            {
                int rows = Math.Min(FusedBackward.RowBlock, end - i0);
                Products(x, i0, rows, block);
                nint at = (nint)i0 * nOut;
                largest.Add(UpdateDriver.Run(rule, new StoredGradients(block, rows * nOut), s1 + at, s2 + at, w + at, 1, rows * nOut));
            }
        }

        (magnitudes[3 * worker], magnitudes[(3 * worker) + 1], magnitudes[(3 * worker) + 2]) = largest.Bits;
    }

    /// <summary>
    /// Whether the update computes dW row by row itself: at most OuterProductGradients.MaxBatch samples, and rows of whole
    /// registers (a row's tail would go one float at a time: W2's 10-wide last layer took 7.7% of a batch-1 step so, in a perf profile).
    /// </summary>
    public static bool RowByRow(int batch, int nOut) => batch <= OuterProductGradients.MaxBatch && nOut % TLanes.Count == 0;

    /// <summary>Rows i0 .. i0 + rows of dW into <paramref name="block"/> (rows × nOut), tile by tile.</summary>
    private void Products(float* x, int i0, int rows, float* block)
    {
        int nr = 2 * TLanes.Count, mr = GemmKernelSimd<TLanes, TVector>.MR;
        for (int i = i0; i < i0 + rows; i += mr)
        {
            for (int j = 0; j < nOut; j += nr)
            {
                GemmKernelSimd<TLanes, TVector>.Run(batch, x + i, 1, nIn, dZ + j, ldz, block + ((nint)(i - i0) * nOut) + j, nOut, Math.Min(mr, i0 + rows - i), Math.Min(nr, nOut - j), 1f, 0f);
            }
        }
    }
}
