// The micro-kernel contract, written once (BLIS docs/KernelsHowTo.md; matrixmultiply kernel.rs).
//
// A kernel computes one MR×NR tile of C:
//     C[i, j] = alpha · Σ_{p < kc} A[p·MR + i] · B[p·ldb + j] + beta · C[i·ldc + j]      i < MR, j < NR
// - A is a packed micro-panel: kc columns of MR values each, contiguous (zero rows pad a short edge).
// - B is a kc×NR row-major sliver with row stride ldb: a packed panel (ldb = NR) or, on the small
//   path, B itself when NR whole columns exist.
// - beta == 0 means C is never read, so NaN or garbage already in C cannot reach the result.
// - Every product is summed in order p = 0, 1, ... into one accumulator per element; then
//   alpha · acc (+ beta · C, a separate multiply and add, never fused) is stored. An edge tile at most
//   NarrowColumns wide goes straight into C through RunNarrow (its A the packed panel: aRow = 1,
//   aDepth = MR), and is otherwise computed into a full temporary tile and stored with the same formula
//   (Gemm.StoreEdge); either way a result never depends on where the tile boundaries fall or how many
//   threads ran.
// - RunRow is the same contract for one row of C and any n (the m = 1 path, GEMV): per element the
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

    /// <summary>One full MR×NR tile of C as the file header defines it.</summary>
    static abstract void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta);

    /// <summary>
    /// The widest n <see cref="RunNarrow"/> takes (0: none): products of at most this many columns with a
    /// non-transposed B, such as the N = 10 output layer and its weight gradient, where packing A costs more than
    /// the arithmetic (Gemm.Narrow.cs), and the edge tiles of the tile paths that are no wider.
    /// </summary>
    static abstract int NarrowColumns { get; }

    /// <summary>
    /// mr ≤ MR rows of C (n ≤ NarrowColumns columns) from A and B where they lie: C[i, j] = alpha · Σ_{p &lt; kc}
    /// a[i·aRow + p·aDepth] · b[p·ldb + j] + beta · C[i·ldc + j] (aRow = lda, aDepth = 1 for A; aRow = 1,
    /// aDepth = lda for a transposed A), with exactly Run's arithmetic per element; only the mr×n corner is read or
    /// written, so nothing past A's, B's or C's last element is touched.
    /// </summary>
    static abstract void RunNarrow(int kc, float* a, nint aRow, nint aDepth, float* b, nint ldb, float* c, nint ldc, int mr, int n, float alpha, float beta);

    /// <summary>The kernel's scalar step, acc + a · b: fused exactly when the kernel's vector steps are.</summary>
    static abstract float MultiplyAdd(float a, float b, float acc);

    /// <summary>One row: c[j] = alpha · Σ_{p &lt; kc} a[p] · b[p·ldb + j] + beta · c[j] for j &lt; n (beta == 0: c never read).</summary>
    static abstract void RunRow(int kc, float* a, float* b, nint ldb, float* c, int n, float alpha, float beta);
}
