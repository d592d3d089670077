// The m = 1 path for a transposed B (dX = dZ·Wᵀ at batch 1; a GEMV with weights stored [out, in]):
// each element of C is the dot product of op(A)'s one row with one stored row of B, both contiguous, so
// nothing is packed and B streams once. The dot is summed in vector lanes, so its rounding differs from
// the tile paths' (each element still depends only on its own row of B, never on the worker count).
//   j   columns of C (rows of B)   parallel: each worker owns a contiguous range
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastMlp;

public static partial class Gemm
{
    private readonly unsafe struct DotPath(GemmOperands x) : IParallelBody
    {
        /// <summary>Nothing to grow: A and B are read where they lie.</summary>
        public void Prepare(int workerCount)
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            (int start, int end) = GemmBlocking.Share(x.N, 1, worker, workerCount);
            for (int j = start; j < end; j++)
            {
                float dot = Dot(x.A, x.B + (j * x.Ldb), x.K);
                x.C[j] = x.Beta == 0 ? x.Alpha * dot : (x.Alpha * dot) + (x.Beta * x.C[j]);
            }
        }

        /// <summary>Σ_p a[p]·b[p]: four vector accumulators hide the FMA latency, then a scalar tail (bounds p ≤ k − width: no overflow near int.MaxValue).</summary>
        private static float Dot(float* a, float* b, int k)
        {
            int width = Vector<float>.Count, p = 0;
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; p <= k - (4 * width); p += 4 * width)
            {
                s0 = Vector.FusedMultiplyAdd(Vector.Load(a + p), Vector.Load(b + p), s0);
                s1 = Vector.FusedMultiplyAdd(Vector.Load(a + p + width), Vector.Load(b + p + width), s1);
                s2 = Vector.FusedMultiplyAdd(Vector.Load(a + p + (2 * width)), Vector.Load(b + p + (2 * width)), s2);
                s3 = Vector.FusedMultiplyAdd(Vector.Load(a + p + (3 * width)), Vector.Load(b + p + (3 * width)), s3);
            }

            for (; p <= k - width; p += width)
            {
                s0 = Vector.FusedMultiplyAdd(Vector.Load(a + p), Vector.Load(b + p), s0);
            }

            float sum = Vector.Sum((s0 + s1) + (s2 + s3));
            for (; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
            }

            return sum;
        }
    }
}
