// Int8GemmSplitTests: Int8Gemm.Multiply split over two threads gives the bits of one thread, for rows holding
// negative bytes (the signs applied) and rows without (NonNegativeRows), on a product large enough for two workers
// on whole column blocks; the split really reached the worker pool (WorkerPool.SplitJobs); every output is the
// definition, float(acc) · (s_r · s_j) with acc NaiveInt8's exact sums; nothing past column n nor outside z is
// written. Alone (SerialTestGroup) so that the worker pool is free for the split.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed unsafe class Int8GemmSplitTests
{
    private const float Sentinel = -12345f;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_product_split_over_two_threads_gives_the_bits_of_one_thread(bool withNegativeBytes)
    {
        // 13 × 700 × 150: 1,365,000 multiply-adds, 160 padded columns (3 blocks of 64 on AVX-512, 5 of 32 on AVX2).
        const int rows = 13, k = 700, n = 150;
        var random = new Random(withNegativeBytes ? 16 : 17);
        var qx = new sbyte[rows, k];
        var qw = new sbyte[k, n];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < k; i++)
            {
                int v = random.Next(-127, 128);
                qx[r, i] = (sbyte)(withNegativeBytes ? v : Math.Abs(v));
            }
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                qw[i, j] = (sbyte)random.Next(-127, 128);
            }
        }

        float[] rowScales = [.. Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble() / 127)];
        float[] columnScales = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() / 127)];
        float[] one = Multiply(qx, withNegativeBytes, rowScales, qw, columnScales, threads: 1);
        long splits = WorkerPool.SplitJobs;
        float[] two = Multiply(qx, withNegativeBytes, rowScales, qw, columnScales, threads: 2);
        if (Environment.ProcessorCount > 1)
        {
            Assert.True(WorkerPool.SplitJobs > splits, $"{Int8Gemm.Kernel}: the 2-thread product never reached the worker pool.");
        }

        MlpAssert.BitIdentical(one, two, $"{Int8Gemm.Kernel}, negative bytes {withNegativeBytes}: 2 threads against 1");
        int[,] acc = NaiveInt8.Multiply(qx, qw);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                float want = (float)acc[r, j] * (rowScales[r] * columnScales[j]);
                Assert.True(BitConverter.SingleToUInt32Bits(want) == BitConverter.SingleToUInt32Bits(two[(r * n) + j]), $"{Int8Gemm.Kernel}, negative bytes {withNegativeBytes}, 2 threads: z[{r}, {j}] = {two[(r * n) + j]:R}, float(acc) · (s_r · s_j) = {want:R}");
            }
        }
    }

    /// <summary>z [rows, n] through Int8Gemm.Multiply on qx and qw packed as Int8Weights packs them, into a NaN-filled z framed by sentinels that must survive.</summary>
    private static float[] Multiply(sbyte[,] qx, bool signed, float[] rowScales, sbyte[,] qw, float[] columnScales, int threads)
    {
        const int frame = 64;
        int rows = qx.GetLength(0), n = qw.GetLength(1);
        var packed = new Int8Packed(qx, qw);
        int groups = packed.Groups, padded = packed.PaddedColumns;
        sbyte[] x = packed.X, w = packed.W;
        float[] scales = new float[padded];
        columnScales.CopyTo(scales, 0);
        float[] z = new float[(rows * n) + (2 * frame)];
        z.AsSpan().Fill(Sentinel);
        z.AsSpan(frame, rows * n).Fill(float.NaN);
        fixed (sbyte* px = x, pw = w)
        fixed (float* prs = rowScales, pcs = scales, pz = z)
        {
            Int8Gemm.Multiply(px, signed, prs, rows, groups, pw, padded, pcs, n, pz + frame, threads);
        }

        for (int e = 0; e < frame; e++)
        {
            Assert.True(z[e] == Sentinel && z[frame + (rows * n) + e] == Sentinel, $"{Int8Gemm.Kernel}, {threads} threads: wrote outside z");
        }

        return z.AsSpan(frame, rows * n).ToArray();
    }
}
