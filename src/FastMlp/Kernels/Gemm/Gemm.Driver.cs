// The packed BLIS path (bls_gemm_bp_var1.c; matrixmultiply gemm.rs): five loops around the micro-kernel.
//   jc  NC columns of C and B     serial: the KC×NC block of B is shared by all workers
//   pc  KC of the depth           serial: it carries the sum; beta applies on the first block only
//       (B block packed cooperatively, each worker a contiguous share of its micro-panels)
//   ic  MC rows of C and A        parallel: each worker owns a contiguous range of whole MR panels
//   jr  NR columns                serial within a worker: one B sliver stays in L1 across ir
//   ir  MR rows                   serial: the micro-kernel
// Workers only ever write disjoint rows of C, so the result does not depend on the worker count.
namespace FastMlp;

public static partial class Gemm
{
    private readonly unsafe struct PackedPath<TKernel>(GemmOperands x, GemmBlocking blocking, GemmContext context) : IParallelBody
        where TKernel : struct, IGemmKernel
    {
        /// <summary>Each worker's MC×KC block of A, and the call's KC×NC block of B that they all read.</summary>
        public void Prepare(int workerCount)
        {
            int kc = Math.Min(blocking.DepthBlock, x.K);
            GemmContext.Grow(context, workerCount, blocking.RowBlock(TKernel.MR) * kc, 0);
            context.PackedB.Ensure(kc * (int)Math.Min(blocking.ColumnBlock(TKernel.NR), GemmBlocking.RoundUp(x.N, TKernel.NR)));
        }

        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            int mrMax = TKernel.MR, nrMax = TKernel.NR;
            int mcBlock = blocking.RowBlock(mrMax), kcBlock = blocking.DepthBlock, ncBlock = blocking.ColumnBlock(nrMax);
            (int rowStart, int rowEnd) = GemmBlocking.Share(x.M, mrMax, worker, workerCount);
            float* packedA = GemmContext.OfWorker(worker, context).PackedA.Pointer;
            float* packedB = context.PackedB.Pointer;
            float* tile = stackalloc float[mrMax * nrMax];

            // Each loop advances by the block it just did, so no index ever passes its bound (no overflow near int.MaxValue).
            for (int jc = 0, nc; jc < x.N; jc += nc)
            {
                nc = Math.Min(ncBlock, x.N - jc);
                (int firstPanel, int lastPanel) = GemmBlocking.Share(GemmBlocking.CeilDiv(nc, nrMax), 1, worker, workerCount);
                for (int pc = 0, kc; pc < x.K; pc += kc)
                {
                    kc = Math.Min(kcBlock, x.K - pc);
                    float beta = pc == 0 ? x.Beta : 1f;

                    for (int q = firstPanel; q < lastPanel; q++)
                    {
                        PackBPanel<TKernel>(x, pc, kc, jc + (q * nrMax), Math.Min(nrMax, nc - (q * nrMax)), packedB + (q * kc * nrMax));
                    }

                    barrier?.SignalAndWait();

                    for (int ic = rowStart, mc; ic < rowEnd; ic += mc)
                    {
                        mc = Math.Min(mcBlock, rowEnd - ic);
                        PackA<TKernel>(x, ic, mc, pc, kc, packedA);
                        float* cBlock = x.C + (ic * x.Ldc) + jc;
                        for (int jr = 0; jr < nc; jr += nrMax)
                        {
                            float* bSliver = packedB + (jr * kc);
                            TileColumn<TKernel>(kc, packedA, mc, bSliver, nrMax, Math.Min(nrMax, nc - jr), cBlock + jr, x.Ldc, x.Alpha, beta, tile);
                        }
                    }

                    // The next block overwrites packedB: nobody may still be reading it.
                    barrier?.SignalAndWait();
                }
            }
        }
    }

    /// <summary>
    /// The ir loop: C[0..mc, 0..nr] (+)= packed A panels times one kc×nr sliver of B with row stride ldb.
    /// Edge tiles at most NarrowColumns wide go straight into C through the narrow kernel (the packed panel is op(A)
    /// with row step 1 and depth step MR); wider ones run the kernel into <paramref name="tile"/> (MR×NR) and store
    /// the mr×nr corner.
    /// </summary>
    private static unsafe void TileColumn<TKernel>(
        int kc, float* packedA, int mc, float* b, nint ldb, int nr, float* c, nint ldc, float alpha, float beta, float* tile)
        where TKernel : struct, IGemmKernel
    {
        int mrMax = TKernel.MR, nrMax = TKernel.NR;
        for (int ir = 0; ir < mc; ir += mrMax, packedA += mrMax * kc, c += mrMax * ldc)
        {
            int mr = Math.Min(mrMax, mc - ir);
            if (mr == mrMax && nr == nrMax)
            {
                TKernel.Run(kc, packedA, b, ldb, c, ldc, alpha, beta);
            }
            else if (nr <= TKernel.NarrowColumns)
            {
                TKernel.RunNarrow(kc, packedA, 1, mrMax, b, ldb, c, ldc, mr, nr, alpha, beta);
            }
            else
            {
                // alpha = 1 keeps the raw sums (1 · acc is exact); the store below applies the same formula as the kernel.
                TKernel.Run(kc, packedA, b, ldb, tile, nrMax, 1f, 0f);
                StoreEdge(tile, nrMax, mr, nr, c, ldc, alpha, beta);
            }
        }
    }

    /// <summary>c = alpha · tile (+ beta · c) on an mr×nr corner; beta == 0 never reads c.</summary>
    private static unsafe void StoreEdge(float* tile, int ldt, int mr, int nr, float* c, nint ldc, float alpha, float beta)
    {
        for (int i = 0; i < mr; i++, tile += ldt, c += ldc)
        {
            for (int j = 0; j < nr; j++)
            {
                c[j] = beta == 0 ? alpha * tile[j] : (alpha * tile[j]) + (beta * c[j]);
            }
        }
    }
}
