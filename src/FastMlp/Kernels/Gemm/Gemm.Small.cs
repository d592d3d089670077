// The small path, for products whose op(A) fits one MC block (m ≤ MC): an MLP multiplies 1 to a few
// dozen rows by a weight matrix constantly. Each B sliver is used by every row panel right after it
// is fetched, so there is no B block to pack: B is read in place when NR whole columns of a
// non-transposed B exist, and otherwise one kc×NR sliver is packed into an L1-sized buffer.
//   pc  KC of the depth     serial: beta applies on the first block only; A (m×kc) packed per worker
//   jr  NR columns          parallel: each worker owns a contiguous range of whole NR panels
//   ir  MR rows             serial: the micro-kernel
namespace FastMlp;

public static partial class Gemm
{
    private readonly unsafe struct SmallPath<TKernel>(GemmOperands x, GemmBlocking blocking, GemmContext context) : IParallelBody
        where TKernel : struct, IGemmKernel
    {
        /// <summary>Each worker's m×KC block of A (m ≤ MC) and KC×NR sliver of B.</summary>
        public void Prepare(int workerCount)
        {
            int kc = Math.Min(blocking.DepthBlock, x.K);
            GemmContext.Grow(context, workerCount, (int)GemmBlocking.RoundUp(x.M, TKernel.MR) * kc, kc * TKernel.NR);
        }

        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            int nrMax = TKernel.NR;
            int kcBlock = blocking.DepthBlock;
            (int columnStart, int columnEnd) = GemmBlocking.Share(x.N, nrMax, worker, workerCount);
            GemmContext own = GemmContext.OfWorker(worker, context);
            float* packedA = own.PackedA.Pointer;
            float* packedSliver = own.PackedBSliver.Pointer;
            float* tile = stackalloc float[TKernel.MR * nrMax];

            for (int pc = 0, kc; pc < x.K; pc += kc)
            {
                kc = Math.Min(kcBlock, x.K - pc);
                float beta = pc == 0 ? x.Beta : 1f;
                PackA<TKernel>(x, 0, x.M, pc, kc, packedA);
                for (int jr = columnStart, nr; jr < columnEnd; jr += nr)
                {
                    nr = Math.Min(nrMax, columnEnd - jr);
                    float* b = x.B + (pc * x.Ldb) + jr;
                    nint ldb = x.Ldb;
                    if (x.TransposeB || nr < nrMax)
                    {
                        PackBPanel<TKernel>(x, pc, kc, jr, nr, packedSliver);
                        b = packedSliver;
                        ldb = nrMax;
                    }

                    TileColumn<TKernel>(kc, packedA, x.M, b, ldb, nr, x.C + jr, x.Ldc, x.Alpha, beta, tile);
                }
            }
        }
    }
}
