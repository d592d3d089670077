// The m = 1 path (a GEMV: one input row of an MLP at batch 1) for a non-transposed B. A 6-row tile
// would spend five sixths of its FMAs on zero padding; RunRow streams each row of B once instead, so
// the product runs at the speed B can be read. Depth is cut in KC blocks exactly as in the tile paths,
// which keeps every element's arithmetic identical to theirs (IGemmKernel.cs).
//   pc  KC of the depth    serial: beta applies on the first block only
//   j   columns            parallel: each worker owns a contiguous range of whole NR panels
using System.Runtime.CompilerServices;

namespace FastMlp;

public static partial class Gemm
{
    // context: the call's packing buffers when op(A) must be gathered (transposeA); null when A is read in place.
    private readonly unsafe struct RowPath<TKernel>(GemmOperands x, GemmBlocking blocking, GemmContext? context) : IParallelBody
        where TKernel : struct, IGemmKernel
    {
        /// <summary>With transposeA, each worker's gathered copy of op(A)'s k values.</summary>
        public void Prepare(int workerCount)
        {
            if (x.TransposeA)
            {
                GemmContext.Grow(context!, workerCount, x.K, 0);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            (int columnStart, int columnEnd) = GemmBlocking.Share(x.N, TKernel.NR, worker, workerCount);
            int columns = columnEnd - columnStart;
            float* a = x.A;
            if (x.TransposeA)
            {
                // op(A) is one column of a k×1 matrix with stride lda: gather it once.
                a = GemmContext.OfWorker(worker, context!).PackedA.Pointer;
                for (int p = 0; p < x.K; p++)
                {
                    a[p] = x.A[p * x.Lda];
                }
            }

            for (int pc = 0, kc; pc < x.K; pc += kc)
            {
                kc = Math.Min(blocking.DepthBlock, x.K - pc);
                float beta = pc == 0 ? x.Beta : 1f;
                TKernel.RunRow(kc, a + pc, x.B + (pc * x.Ldb) + columnStart, x.Ldb, x.C + columnStart, columns, x.Alpha, beta);
            }
        }
    }
}
