// Packing op(A) and op(B) into the layouts the micro-kernel reads (IGemmKernel.cs): A as MR-row
// micro-panels (dst[p·MR + i]), B as NR-column micro-panels (dst[p·NR + j]), short edges zero-padded
// so the kernel always runs on full tiles. Transposition is absorbed here; the kernel never sees it.
namespace FastMlp;

public static partial class Gemm
{
    /// <summary>
    /// Packs rows [i0, i0 + mc) × columns [p0, p0 + kc) of op(A) into ⌈mc / MR⌉ consecutive micro-panels of MR·kc floats.
    /// </summary>
    private static unsafe void PackA<TKernel>(in GemmOperands x, int i0, int mc, int p0, int kc, float* dst)
        where TKernel : struct, IGemmKernel
    {
        int mrMax = TKernel.MR;
        for (int ir = 0; ir < mc; ir += mrMax, dst += mrMax * kc)
        {
            int mr = Math.Min(mrMax, mc - ir);
            int i = i0 + ir;
            if (x.TransposeA)
            {
                // A is stored k×m: each depth step is mr contiguous values.
                float* src = x.A + (p0 * x.Lda) + i;
                for (int p = 0; p < kc; p++, src += x.Lda)
                {
                    float* d = dst + (p * mrMax);
                    for (int r = 0; r < mr; r++)
                    {
                        d[r] = src[r];
                    }

                    for (int r = mr; r < mrMax; r++)
                    {
                        d[r] = 0f;
                    }
                }
            }
            else
            {
                // A is stored m×k: each row is kc contiguous values, scattered with stride MR.
                for (int r = 0; r < mr; r++)
                {
                    float* src = x.A + ((i + r) * x.Lda) + p0;
                    for (int p = 0; p < kc; p++)
                    {
                        dst[(p * mrMax) + r] = src[p];
                    }
                }

                for (int r = mr; r < mrMax; r++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[(p * mrMax) + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs rows [p0, p0 + kc) × columns [j0, j0 + nr) of op(B), nr ≤ NR, into one micro-panel of kc·NR floats.</summary>
    private static unsafe void PackBPanel<TKernel>(in GemmOperands x, int p0, int kc, int j0, int nr, float* dst)
        where TKernel : struct, IGemmKernel
    {
        int nrMax = TKernel.NR;
        if (x.TransposeB)
        {
            // B is stored n×k: each column of op(B) is kc contiguous values, to be scattered with stride NR.
            // Whole 8×8 blocks go through an in-register transpose; the ragged rest moves one value at a time.
            int jBlocks = GemmTranspose.IsSupported ? nr & ~7 : 0, pBlocks = kc & ~7;
            for (int j = 0; j < jBlocks; j += 8)
            {
                float* src = x.B + ((j0 + j) * x.Ldb) + p0;
                for (int p = 0; p < pBlocks; p += 8)
                {
                    GemmTranspose.Block8x8(src + p, x.Ldb, dst + (p * nrMax) + j, nrMax);
                }
            }

            for (int j = 0; j < nr; j++)
            {
                float* src = x.B + ((j0 + j) * x.Ldb) + p0;
                for (int p = j < jBlocks ? pBlocks : 0; p < kc; p++)
                {
                    dst[(p * nrMax) + j] = src[p];
                }
            }

            for (int j = nr; j < nrMax; j++)
            {
                for (int p = 0; p < kc; p++)
                {
                    dst[(p * nrMax) + j] = 0f;
                }
            }
        }
        else
        {
            // B is stored k×n: each depth step is nr contiguous values.
            float* src = x.B + (p0 * x.Ldb) + j0;
            for (int p = 0; p < kc; p++, src += x.Ldb, dst += nrMax)
            {
                new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(dst, nr));
                new Span<float>(dst + nr, nrMax - nr).Clear();
            }
        }
    }
}
