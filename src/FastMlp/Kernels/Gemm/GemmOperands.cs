// One validated product, as raw pointers: the spans are pinned by Gemm.Multiply for the whole call,
// and every worker of the call reads this copy. With BPacked, B points at the panels of a GemmPackedB
// (k×n, its own layout) and Ldb and TransposeB mean nothing.
namespace FastMlp;

internal readonly unsafe struct GemmOperands
{
    public readonly float* A;
    public readonly float* B;
    public readonly float* C;
    public readonly nint Lda;
    public readonly nint Ldb;
    public readonly nint Ldc;
    public readonly int M;
    public readonly int N;
    public readonly int K;
    public readonly bool TransposeA;
    public readonly bool TransposeB;
    public readonly float Alpha;
    public readonly float Beta;
    public readonly bool BPacked;

    public GemmOperands(
        float* a, int lda, bool transposeA, float* b, int ldb, bool transposeB, float* c, int ldc,
        int m, int n, int k, float alpha, float beta, bool bPacked = false)
    {
        A = a;
        B = b;
        C = c;
        Lda = lda;
        Ldb = ldb;
        Ldc = ldc;
        M = m;
        N = n;
        K = k;
        TransposeA = transposeA;
        TransposeB = transposeB;
        Alpha = alpha;
        Beta = beta;
        BPacked = bPacked;
    }
}
