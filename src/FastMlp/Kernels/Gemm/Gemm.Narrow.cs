// The narrow path, for products with at most TKernel.NarrowColumns columns and a non-transposed B (the
// N = 10 output layer of an MLP: forward Z = X·W, and its weight gradient dW = Xᵀ·dZ with A transposed):
// packing A would cost more than the whole product (a scalar gather of m·k values for m·n·k
// multiply-adds), so the kernel reads op(A) and B's rows where they lie, six rows of C at a time, masked
// to n columns. Depth is cut in KC blocks exactly as in the tile paths, which keeps every element's
// arithmetic identical to theirs (IGemmKernel.cs).
//   pc  KC of the depth    serial: beta applies on the first block only
//   ir  MR rows            parallel: each worker owns a contiguous range of whole MR panels
namespace FastMlp;

public static partial class Gemm
{
    private readonly unsafe struct NarrowPath<TKernel>(GemmOperands x, GemmBlocking blocking) : IParallelBody
        where TKernel : struct, IGemmKernel
    {
        /// <summary>Nothing to grow: the path packs nothing.</summary>
        public void Prepare(int workerCount)
        {
        }

        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            int mrMax = TKernel.MR;

            // op(A)[i, p] = A[i·aRow + p·aDepth].
            nint aRow = x.TransposeA ? 1 : x.Lda, aDepth = x.TransposeA ? x.Lda : 1;
            (int rowStart, int rowEnd) = GemmBlocking.Share(x.M, mrMax, worker, workerCount);
            for (int pc = 0, kc; pc < x.K; pc += kc)
            {
                kc = Math.Min(blocking.DepthBlock, x.K - pc);
                float beta = pc == 0 ? x.Beta : 1f;
                for (int ir = rowStart, mr; ir < rowEnd; ir += mr)
                {
                    mr = Math.Min(mrMax, rowEnd - ir);
                    TKernel.RunNarrow(kc, x.A + (ir * aRow) + (pc * aDepth), aRow, aDepth, x.B + (pc * x.Ldb), x.Ldb, x.C + (ir * x.Ldc), x.Ldc, mr, x.N, x.Alpha, beta);
                }
            }
        }
    }
}
