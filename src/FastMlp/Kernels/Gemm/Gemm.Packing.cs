// Packing op(B) into the layout the micro-kernel reads (IGemmKernel.cs): NR-column micro-panels
// (dst[p·NR + j]), a short edge zero-padded so every panel row is NR readable columns. A transposed B
// is absorbed here; the kernel never sees it. (op(A) is never packed: the kernel reads it in place.)
using System.Runtime.CompilerServices;

namespace FastMlp;

public static partial class Gemm
{
    /// <summary>Packs rows [p0, p0 + kc) × columns [j0, j0 + nr) of op(B), nr ≤ NR, into one micro-panel of kc·NR floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void PackBPanel<TKernel>(in GemmOperands x, int p0, int kc, int j0, int nr, float* dst)
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
