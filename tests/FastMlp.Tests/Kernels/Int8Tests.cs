// Int8Tests: the Int8 predictor's pieces against NaiveInt8 (the definitions, scalar): row quantization
// (Int8Quantize.Row) byte for byte and its scale bit for bit, over lengths 1..300 (every vector tail) and values of
// every magnitude, exact ties (x.5 after scaling), ±extremes, zeros and all-zero rows; the weights' per-column
// quantization and packing (Int8Weights) byte for byte, zero in every pad; the integer core (Int8Gemm.Accumulate)
// equal to the twin's int32 sums over shapes hitting every tail (k % 4, k = 1, column registers, 4-row blocks and
// their remainders, batch 1..70) with ±127 extremes and all-zero rows and columns, and at the deepest k whose sums
// fit int32, with the signs applied and, for non-negative activations, without (both must give the same sums); a row or a column holding a NaN or ±∞ quantizes to scale NaN and zeros; and the dispatch: the kernel
// each ISA setting of the process selects (DOTNET_EnableHWIntrinsic=0, DOTNET_EnableAVX512=0, DOTNET_EnableAVXVNNI=0).
using System.Runtime.Intrinsics.X86;

using FastMlp.Reference;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Xunit.Abstractions;

namespace FastMlp.Tests.Kernels;

public sealed unsafe class Int8Tests(ITestOutputHelper output)
{
    private static readonly int[] s_lengths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 300];

    [Property(MaxTest = 400)]
    public Property Row_quantization_matches_the_twin_byte_for_byte() =>
        Prop.ForAll(Arb.From(from k in Gen.OneOf(Gen.Elements(s_lengths), Gen.Choose(1, 300)) from kind in Gen.Choose(0, 5) from seed in Gen.Choose(0, int.MaxValue) select (k, kind, seed)), c =>
        {
            (int k, int kind, int seed) = c;
            float[] x = Values(k, kind, new Random(seed));
            CheckRow(x, $"k {k}, kind {kind}, seed {seed}");
        });

    [Fact]
    public void Rows_with_a_NaN_or_an_infinity_quantize_to_scale_NaN_and_zeros()
    {
        foreach (float bad in (float[])[float.NaN, float.PositiveInfinity, float.NegativeInfinity])
        {
            foreach (int k in (int[])[1, 16, 37])
            {
                float[] x = Values(k, 0, new Random(k));
                x[k / 2] = bad;
                CheckRow(x, $"{bad} at {k / 2} of {k}");
                Assert.True(float.IsNaN(NaiveInt8.Quantize(x).Scale));
            }
        }
    }

    [Property(MaxTest = 150)]
    public Property Weights_quantize_per_column_as_the_twin_and_pack_in_groups_of_four_depths() =>
        Prop.ForAll(Arb.From(from k in Gen.Choose(1, 70) from n in Gen.Choose(1, 70) from seed in Gen.Choose(0, int.MaxValue) select (k, n, seed)), c =>
        {
            (int k, int n, int seed) = c;
            var random = new Random(seed);
            Network network = Network.Create([k, n], Activation.Identity, Activation.Identity, seed: 0);
            Span<float> w = network.Parameters[..(k * n)];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 30)));
            }

            int zero = random.Next(n), bad = random.Next(n);
            for (int i = 0; i < k; i++)
            {
                w[(i * n) + zero] = 0;
            }

            if (random.Next(2) == 0)
            {
                w[(random.Next(k) * n) + bad] = random.Next(2) == 0 ? float.NaN : float.NegativeInfinity;
            }

            (sbyte[,] q, float[] scales) = NaiveInt8.QuantizeColumns(w, k, n);
            var weights = new Int8Weights(network);
            int padded = weights.PaddedColumns(0), groups = weights.Groups(0);
            Assert.Equal((k + 3) / 4, groups);
            Assert.True(padded >= n && padded % 16 == 0, $"padded {padded} for {n} columns");
            sbyte* packed = weights.Layer(0);
            float* got = weights.Scales(0);
            for (int j = 0; j < padded; j++)
            {
                float want = j < n ? scales[j] : 0;
                Assert.True(BitConverter.SingleToUInt32Bits(want) == BitConverter.SingleToUInt32Bits(got[j]) || (float.IsNaN(want) && float.IsNaN(got[j])), $"scale of column {j}: {got[j]:R}, the twin's {want:R} (k {k}, n {n}, seed {seed})");
                for (int i = 0; i < 4 * groups; i++)
                {
                    sbyte byTwin = i < k && j < n ? q[i, j] : (sbyte)0;
                    sbyte byKernel = packed[((long)(i / 4) * padded * 4) + (4 * j) + (i % 4)];
                    Assert.True(byTwin == byKernel, $"q[{i}, {j}] = {byKernel}, the twin's {byTwin} (k {k}, n {n}, seed {seed})");
                }
            }
        });

    [Property(MaxTest = 200)]
    public Property Integer_core_equals_the_twin_exactly() =>
        Prop.ForAll(Arb.From(from rows in Gen.Choose(1, 70) from k in Gen.Choose(1, 140) from n in Gen.Choose(1, 70) from seed in Gen.Choose(0, int.MaxValue) select (rows, k, n, seed)), c =>
        {
            (int rows, int k, int n, int seed) = c;
            var random = new Random(seed);
            var qx = new sbyte[rows, k];
            var qw = new sbyte[k, n];
            Fill(qx, random);
            Fill(qw, random);
            if (seed % 3 == 0)
            {
                Abs(qx);   // a third of the cases non-negative, as after ReLU: the kernel without signs
            }

            CheckCore(qx, qw, $"rows {rows}, k {k}, n {n}, seed {seed}");
        });

    [Fact]
    public void Integer_core_is_exact_at_the_deepest_k_with_every_product_at_its_extreme()
    {
        int k = Int8Gemm.MaxDepth;
        var qx = new sbyte[5, k];
        var qw = new sbyte[k, 17];
        for (int i = 0; i < k; i++)
        {
            for (int r = 0; r < 5; r++)
            {
                qx[r, i] = (sbyte)(r % 2 == 0 ? 127 : -127);
            }

            for (int j = 0; j < 17; j++)
            {
                qw[i, j] = (sbyte)(j % 3 == 0 ? -127 : 127);
            }
        }

        CheckCore(qx, qw, "k = MaxDepth, all ±127");
        Abs(qx);
        CheckCore(qx, qw, "k = MaxDepth, activations all 127");
    }

    [Fact]
    public void The_kernel_is_the_one_the_processes_ISA_settings_select()
    {
        static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";
        Int8Kernel want = Off("DOTNET_EnableHWIntrinsic") ? Int8Kernel.Scalar
            : !Off("DOTNET_EnableAVX512") && !Off("DOTNET_EnableAVX512F") && Avx512BW.IsSupported ? Int8Kernel.Avx512BW
            : !Off("DOTNET_EnableAVXVNNI") && AvxVnni.IsSupported ? Int8Kernel.AvxVnni
            : Avx2.IsSupported ? Int8Kernel.Avx2
            : Int8Kernel.Scalar;
        output.WriteLine($"Int8 kernel: {Int8Gemm.Kernel}");
        Assert.Equal(want, Int8Gemm.Kernel);
        if (Off("DOTNET_EnableHWIntrinsic") || Off("DOTNET_EnableAVX512"))
        {
            Assert.NotEqual(Int8Kernel.Avx512BW, Int8Gemm.Kernel);
        }
    }

    /// <summary>The fast row quantization of x against the twin's: every byte, the zero pad, the scale's bits.</summary>
    private static void CheckRow(float[] x, string what)
    {
        int k = x.Length, padded = ((k + 3) / 4 * 4) + 4;
        sbyte[] q = new sbyte[padded];
        Array.Fill(q, (sbyte)0x55);
        float scale;
        bool negative;
        fixed (float* px = x)
        fixed (sbyte* pq = q)
        {
            scale = Int8Quantize.Row(px, k, pq, padded, out negative);
        }

        (sbyte[] want, float wantScale) = NaiveInt8.Quantize(x);
        Assert.True(negative == want.Any(v => v < 0), $"{what}: negative {negative}, the twin's bytes say {want.Any(v => v < 0)}");
        Assert.True(BitConverter.SingleToUInt32Bits(scale) == BitConverter.SingleToUInt32Bits(wantScale) || (float.IsNaN(scale) && float.IsNaN(wantScale)), $"{what}: scale {scale:R}, the twin's {wantScale:R}");
        for (int i = 0; i < padded; i++)
        {
            sbyte expected = i < k ? want[i] : (sbyte)0;
            Assert.True(expected == q[i], $"{what}: q[{i}] = {q[i]} for x = {(i < k ? x[i] : 0):R}, the twin's {expected}");
        }
    }

    /// <summary>Int8Gemm.Accumulate on qx and qw packed as Int8Weights packs them against NaiveInt8.Multiply, every int32.</summary>
    private static void CheckCore(sbyte[,] qx, sbyte[,] qw, string what)
    {
        int rows = qx.GetLength(0), n = qw.GetLength(1);
        var packed = new Int8Packed(qx, qw);
        int groups = packed.Groups, padded = packed.PaddedColumns;
        sbyte[] x = packed.X, w = packed.W;

        int[,] want = NaiveInt8.Multiply(qx, qw);
        bool negative = x.Any(v => v < 0);
        foreach (bool signed in negative ? (bool[])[true] : [false, true])
        {
            int[] acc = new int[rows * padded];
            Array.Fill(acc, int.MinValue);
            fixed (sbyte* px = x, pw = w)
            fixed (int* pa = acc)
            {
                Int8Gemm.Accumulate(px, signed, rows, groups, pw, padded, pa);
            }

            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < padded; j++)
                {
                    int expected = j < n ? want[r, j] : 0;
                    Assert.True(expected == acc[(r * padded) + j], $"{what} ({Int8Gemm.Kernel}, signed {signed}): acc[{r}, {j}] = {acc[(r * padded) + j]}, the twin's {expected}");
                }
            }
        }
    }

    /// <summary>Every value made non-negative.</summary>
    private static void Abs(sbyte[,] q)
    {
        for (int r = 0; r < q.GetLength(0); r++)
        {
            for (int j = 0; j < q.GetLength(1); j++)
            {
                q[r, j] = Math.Abs(q[r, j]);
            }
        }
    }

    /// <summary>Values in [−127, 127]: a third at ±127, a third small, the rest uniform; one row (or column) all zero.</summary>
    private static void Fill(sbyte[,] q, Random random)
    {
        int rows = q.GetLength(0), columns = q.GetLength(1), zeroRow = random.Next(rows), zeroColumn = random.Next(columns);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                q[r, j] = r == zeroRow || j == zeroColumn ? (sbyte)0 : (random.Next(3)) switch
                {
                    0 => (sbyte)(random.Next(2) == 0 ? 127 : -127),
                    1 => (sbyte)random.Next(-3, 4),
                    _ => (sbyte)random.Next(-127, 128),
                };
            }
        }
    }

    /// <summary>
    /// k values of one kind: 0 uniform in [−1, 1]; 1 every magnitude 2^−140..2^120 (subnormals and huge); 2 largest
    /// 127 with halves (exact ties after scaling by 1); 3 all zero; 4 ±float.MaxValue among small values; 5 one value,
    /// the rest zero.
    /// </summary>
    private static float[] Values(int k, int kind, Random random)
    {
        float[] x = new float[k];
        for (int i = 0; i < k; i++)
        {
            x[i] = kind switch
            {
                0 => (float)((2 * random.NextDouble()) - 1),
                1 => (float)(((2 * random.NextDouble()) - 1) * Math.Pow(2, random.Next(-140, 120))),
                2 => (random.Next(-254, 255) / 2f),
                3 => 0f,
                4 => random.Next(4) == 0 ? (random.Next(2) == 0 ? float.MaxValue : -float.MaxValue) : (float)random.NextDouble(),
                _ => 0f,
            };
        }

        if (kind == 2)
        {
            x[random.Next(k)] = random.Next(2) == 0 ? 127 : -127;
        }
        else if (kind == 5)
        {
            x[random.Next(k)] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-130, 127)));
        }

        return x;
    }
}
