// BFloat16GemmTests: the packed layout against its definition written the other way round (for every column j of
// every row i, the word and half it must sit in), for 1, 8 and 16 lanes and every column tail of a block; then
// every kernel instantiation this machine runs (AVX-512, AVX2, scalar) against the product in double on small
// integers (exact in bfloat16 and in every float sum, so any summation order gives the same bits): batches 1..13
// (each tile height 1..6, twice, and the one-row kernel), widths 1..70 (every tail of a 2-, 16- and 32-column
// block), depths 1..9 (the one-row kernel's four-step unroll and each remainder), with the destination's bytes
// around the product checked untouched; and a product large enough to split over two threads, bit for bit as on
// one. Alone (SerialTestGroup) so that the worker pool is free for the split.
using System.Runtime.Intrinsics;

using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed unsafe class BFloat16GemmTests
{
    private const float Sentinel = -12345f;

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    public void Pack_puts_each_rounded_weight_in_the_half_word_its_column_names(int lanes)
    {
        var random = new Random(lanes);
        foreach (int k in new[] { 1, 2, 3, 5 })
        {
            for (int n = 1; n <= 70; n++)
            {
                float[] w = new float[k * n];
                for (int e = 0; e < w.Length; e++)
                {
                    w[e] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 20)));
                }

                uint[] want = new uint[BFloat16Gemm.PackedLength(k, n, lanes)];
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        int block = j / (2 * lanes), inBlock = j % (2 * lanes);
                        int word = (block * k * lanes) + (i * lanes) + (inBlock % lanes);
                        uint bits = BitConverter.SingleToUInt32Bits(NaiveBFloat16.Round(w[(i * n) + j])) >> 16;
                        want[word] |= inBlock < lanes ? bits : bits << 16;
                    }
                }

                uint[] got = new uint[want.Length];
                got.AsSpan().Fill(0xDEAD_BEEF);
                BFloat16Gemm.Pack(w, k, n, lanes, got);
                Assert.True(want.AsSpan().SequenceEqual(got), $"k = {k}, n = {n}, {lanes} lanes: first difference at word {want.AsSpan().CommonPrefixLength(got)}");
            }
        }
    }

    [Fact]
    public void Every_kernel_matches_the_exact_product_on_every_tile_height_column_tail_and_depth()
    {
        foreach (Kernel kernel in Kernels())
        {
            var random = new Random(kernel.Lanes);
            for (int k = 1; k <= 9; k++)
            {
                for (int batch = 1; batch <= 13; batch++)
                {
                    for (int n = 1; n <= 70; n++)
                    {
                        CheckExact(kernel, random, batch, k, n, threads: 1);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_product_split_over_two_threads_gives_the_bits_of_one_thread()
    {
        foreach (Kernel kernel in Kernels())
        {
            var random = new Random(kernel.Lanes + 100);
            const int batch = 13, k = 700, n = 70;   // 637,000 multiply-adds: 2 workers, each on whole blocks
            float[] x = RandomFloats(random, batch * k), w = RandomFloats(random, k * n);
            uint[] packed = Packed(w, k, n, kernel.Lanes);
            float[] one = Run(kernel, x, batch, packed, k, n, threads: 1);
            long splits = WorkerPool.SplitJobs;
            float[] two = Run(kernel, x, batch, packed, k, n, threads: 2);
            if (Environment.ProcessorCount > 1)
            {
                Assert.True(WorkerPool.SplitJobs > splits, $"{kernel.Name}: the 2-thread product never reached the worker pool.");
            }

            MlpAssert.BitIdentical(one, two, $"{kernel.Name}: 2 threads against 1");
            CheckExact(kernel, random, batch, k, n, threads: 2);
        }
    }

    private static void CheckExact(Kernel kernel, Random random, int batch, int k, int n, int threads)
    {
        float[] x = SmallIntegers(random, batch * k, 4), w = SmallIntegers(random, k * n, 8);
        float[] got = Run(kernel, x, batch, Packed(w, k, n, kernel.Lanes), k, n, threads);
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < n; j++)
            {
                double want = 0;
                for (int i = 0; i < k; i++)
                {
                    want += (double)x[(r * k) + i] * w[(i * n) + j];
                }

                if (got[(r * n) + j] != want)
                {
                    Assert.Fail($"{kernel.Name}, batch {batch}, k = {k}, n = {n}, {threads} threads: z[{r}, {j}] = {got[(r * n) + j]}, exactly {want}");
                }
            }
        }
    }

    /// <summary>z [batch, n] through the kernel, into a destination prefilled with NaN and framed by sentinels that must survive.</summary>
    private static float[] Run(Kernel kernel, float[] x, int batch, uint[] packed, int k, int n, int threads)
    {
        const int frame = 64;
        float[] z = new float[(batch * n) + (2 * frame)];
        z.AsSpan().Fill(Sentinel);
        z.AsSpan(frame, batch * n).Fill(float.NaN);
        fixed (float* px = x, pz = z)
        fixed (uint* pw = packed)
        {
            kernel.Multiply(px, batch, pw, k, n, pz + frame, threads);
        }

        for (int e = 0; e < frame; e++)
        {
            Assert.True(z[e] == Sentinel && z[frame + (batch * n) + e] == Sentinel, $"{kernel.Name}, batch {batch}, k = {k}, n = {n}: wrote outside z");
        }

        return z.AsSpan(frame, batch * n).ToArray();
    }

    private static uint[] Packed(float[] w, int k, int n, int lanes)
    {
        uint[] packed = new uint[BFloat16Gemm.PackedLength(k, n, lanes)];
        BFloat16Gemm.Pack(w, k, n, lanes, packed);
        return packed;
    }

    private static float[] SmallIntegers(Random random, int count, int bound)
    {
        float[] values = new float[count];
        for (int e = 0; e < count; e++)
        {
            values[e] = random.Next(-bound, bound + 1);
        }

        return values;
    }

    private static float[] RandomFloats(Random random, int count)
    {
        float[] values = new float[count];
        for (int e = 0; e < count; e++)
        {
            values[e] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static List<Kernel> Kernels()
    {
        List<Kernel> kernels = [];
        if (GemmLanes512.IsSupported)
        {
            kernels.Add(new Kernel("Vector512", GemmLanes512.Count, BFloat16Gemm.Multiply<GemmLanes512, Vector512<float>>));
        }

        if (GemmLanes256.IsSupported)
        {
            kernels.Add(new Kernel("Vector256", GemmLanes256.Count, BFloat16Gemm.Multiply<GemmLanes256, Vector256<float>>));
        }

        kernels.Add(new Kernel("scalar", GemmLanesScalar.Count, BFloat16Gemm.Multiply<GemmLanesScalar, float>));
        return kernels;
    }

    private sealed record Kernel(string Name, int Lanes, Product Multiply);

    private delegate void Product(float* x, int batch, uint* w, int k, int n, float* z, int maxDegreeOfParallelism);
}
