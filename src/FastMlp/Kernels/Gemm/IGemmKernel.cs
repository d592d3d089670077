// The micro-kernel contract, written once (BLIS docs/KernelsHowTo.md; matrixmultiply kernel.rs).
//
// A kernel computes one tile of C, at most MR×NR, from op(A) where it lies and a sliver of B:
//     C[i, j] = alpha · Σ_{p < kc} a[i·aRow + p·aDepth] · B[p·ldb + j] + beta · C[i·ldc + j]     i < mr, j < nr
// - op(A) is read in place through two strides: aRow = lda, aDepth = 1 for a stored A; aRow = 1,
//   aDepth = lda for a transposed one; aRow = 1, aDepth = MR for a packed micro-panel. Only its mr rows
//   are read.
// - B is a kc×NR row-major sliver with row stride ldb, all NR columns readable: a packed panel (ldb = NR,
//   zero columns past nr) or B itself when NR whole columns exist. RunNarrow reads a register of B per
//   row only where the caller says that much lies inside B, and n columns elsewhere.
// - Only the mr×nr corner of C is read or written; beta == 0 means it is never read, so NaN or garbage
//   already in C cannot reach the result.
// - Every product is summed in order p = 0, 1, ... into one accumulator per element; then
//   alpha · acc (+ beta · C, a separate multiply and add, never fused) is stored. A result therefore
//   never depends on where the tile boundaries fall, which entry computed it or how many threads ran.
// - RunNarrow and RunRow are the same contract for at most NarrowColumns columns (one B register: no B
//   packing, no wasted lanes) and for one row of C and any n (the m = 1 path, GEMV): per element the
//   same operations in the same order as Run, so a batch of one gives the bits of a row of a batch.
namespace FastMlp;

internal unsafe interface IGemmKernel
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>Whether this machine (and the JIT's current ISA settings) can run the kernel.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>The mr×nr corner (mr ≤ MR, nr ≤ NR) of one tile of C as the file header defines it.</summary>
    static abstract void Run(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int nr, float alpha, float beta);

    /// <summary>
    /// The widest n <see cref="RunNarrow"/> takes (0: none): the tile path runs it on every panel no wider,
    /// such as the whole of the N = 10 output layer and its weight gradient, reading B where it lies when B is
    /// read in place (Gemm.Driver.cs).
    /// </summary>
    static abstract int NarrowColumns { get; }

    /// <summary>
    /// mr ≤ MR rows and n ≤ <see cref="NarrowColumns"/> columns of C with Run's arithmetic per element. The first
    /// <paramref name="fullRows"/> (≤ kc) rows of B may be read NarrowColumns wide: the caller has checked that
    /// those lanes lie inside B's memory (other elements of B, or a panel's zero columns), and their results are
    /// never stored. The later rows are read n wide, so nothing past A's, B's or C's last element is touched.
    /// </summary>
    static abstract void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, int fullRows, float* c, nint ldc, int mr, int n, float alpha, float beta);

    /// <summary>The kernel's scalar step, acc + a · b: fused exactly when the kernel's vector steps are.</summary>
    static abstract float MultiplyAdd(float a, float b, float acc);

    /// <summary>One row: c[j] = alpha · Σ_{p &lt; kc} a[p] · b[p·ldb + j] + beta · c[j] for j &lt; n (beta == 0: c never read).</summary>
    static abstract void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta);
}
