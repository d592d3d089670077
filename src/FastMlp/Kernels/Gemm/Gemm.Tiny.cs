// Products so small (m·n·k ≤ TinyMultiplyAdds: the 2-2-1 XOR network, a 4×4 layer) that a buffer
// lookup, packing or one call into a vector kernel costs more than the arithmetic: plain loops over
// the operands where they lie, any transposition. Each element still gets the kernel's own scalar
// step in the tile order (TKernel.MultiplyAdd per p, a fresh sum per KC block, the same store), so
// the result is bit-identical to what the other paths would produce.
using System.Runtime.CompilerServices;

namespace FastMlp;

public static partial class Gemm
{
    /// <summary>At or below this many multiply-adds a product takes the tiny path.</summary>
    internal const int TinyMultiplyAdds = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RunTiny<TKernel>(in GemmOperands x, GemmBlocking blocking)
        where TKernel : struct, IGemmKernel
    {
        // op(A)[i, p] = A[i·aRow + p·aDepth] and op(B)[p, j] = B[p·bDepth + j·bColumn].
        nint aRow = x.TransposeA ? 1 : x.Lda, aDepth = x.TransposeA ? x.Lda : 1;
        nint bDepth = x.TransposeB ? 1 : x.Ldb, bColumn = x.TransposeB ? x.Ldb : 1;
        int kcBlock = blocking.DepthBlock;
        for (int i = 0; i < x.M; i++)
        {
            for (int j = 0; j < x.N; j++)
            {
                float* c = x.C + (i * x.Ldc) + j;
                for (int pc = 0; pc < x.K; pc += kcBlock)
                {
                    float* a = x.A + (i * aRow) + (pc * aDepth);
                    float* b = x.B + (pc * bDepth) + (j * bColumn);
                    float acc = 0f;
                    for (int p = Math.Min(kcBlock, x.K - pc); p > 0; p--, a += aDepth, b += bDepth)
                    {
                        acc = TKernel.MultiplyAdd(*a, *b, acc);
                    }

                    float beta = pc == 0 ? x.Beta : 1f;
                    *c = beta == 0 ? x.Alpha * acc : (x.Alpha * acc) + (beta * *c);
                }
            }
        }
    }
}
