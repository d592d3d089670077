// The int8 integer core and its dequantizing store: acc[r, j] = Σ_k qx[r, k] · qw[k, j] in int32, exact
// (|acc| ≤ k·127² < 2³¹ for k ≤ MaxDepth), then z[r, j] = float(acc) · (rowScale[r] · columnScale[j]).
//
// Operands: qx [rows, 4·groups] bytes (each row zero-padded to whole groups of 4 depths); w packed as
// Int8Weights lays it out, [groups][paddedColumns][4] (the 4 depths of one column in 4 adjacent bytes, zero
// depths past k and zero columns past n), paddedColumns a multiple of ColumnAlignment; columnScales
// [paddedColumns] (zero past n). z [rows, n] is written, never read; only its n columns are stored.
//
// Register blocking: a tile of Rows × Cols registers of accumulators runs down all groups, so each weight
// register loaded serves Rows rows and each broadcast activation quad Cols registers. Where there are 4 rows,
// 4 rows × 4 registers (16 accumulators, 64 columns) with the 32 zmm registers of AVX-512, 4 × 2 with the 16
// ymm ones; 1 row × 4 registers for the rest (batch 1: 4 independent accumulator chains over 64 columns); column
// remainders of a block run one register at a time. Measured on the Zen 4 (W3 at batch 64, min of 50 rounds, in
// one process with Float32): 4 × 4 174.7 µs, 4 × 2 184.3 µs, 1 × 4 alone 209.3 µs.
//
// Signs: vpmaddubsw needs one unsigned operand, so a signed activation byte goes in as |q| with its sign moved
// onto the weights, which costs an operation per weight register. When no row of the call has a negative byte
// (a layer after ReLU, pixel inputs: NonNegativeRows) q is its own magnitude and that step is skipped; the sums
// are the same integers either way.
//
// Threads: Multiply splits the padded columns over WorkerPool workers in whole blocks of 4 registers (64 columns on
// AVX-512, the widest tile), each worker running every row on its contiguous range, as BFloat16Gemm, one worker per
// MinMultiplyAddsPerWorker (twice GemmBlocking's: an int8 multiply-add costs less). A column's sum is exact and its store reads only its own
// acc and scales, so the bits do not depend on the number of workers. The caller quantizes the rows before the split.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal static unsafe class Int8Gemm
{
    /// <summary>The deepest k whose sums fit int32 in every case: k·127² ≤ 2³¹ − 1.</summary>
    public const int MaxDepth = int.MaxValue / (Int8Quantize.Limit * Int8Quantize.Limit);

    /// <summary>
    /// Below twice this many multiply-adds (rows · n · 4·groups) a product stays on the calling thread: twice
    /// GemmBlocking.MinMultiplyAddsPerWorker, as an int8 multiply-add takes this kernel less time than a float one takes
    /// the float GEMM. Measured on the Zen 4, 2 threads, W3 Predictor beside the 1-thread build (perf/AbCompare): at
    /// 2^16 the first layer at batch 1 (200,704) split and the call ran 0.65× to 1.02× as fast as unsplit; at 2^17 it
    /// stays on the caller, and at batch 8 both the first and the second layer (262,144) still split.
    /// </summary>
    public const long MinMultiplyAddsPerWorker = 2 * GemmBlocking.MinMultiplyAddsPerWorker;

    /// <summary>Padded column counts are multiples of this (the widest register's int32 lanes).</summary>
    public const int ColumnAlignment = 16;

    /// <summary>The kernel this process runs: the ISA flags it sees decide, once.</summary>
    public static Int8Kernel Kernel { get; } =
        Avx512BW.IsSupported ? Int8Kernel.Avx512BW
        : AvxVnni.IsSupported ? Int8Kernel.AvxVnni
        : Avx2.IsSupported ? Int8Kernel.Avx2
        : Int8Kernel.Scalar;

    /// <summary>
    /// z [rows, n] = (qx · w) dequantized (see the header). <paramref name="signed"/> false promises that no byte of qx
    /// is negative (ReLU outputs, pixels), which lets the kernel skip applying the signs. Up to
    /// <paramref name="maxDegreeOfParallelism"/> threads (−1: all cores), one per <see cref="MinMultiplyAddsPerWorker"/>.
    /// </summary>
    public static void Multiply(sbyte* qx, bool signed, float* rowScales, int rows, int groups, sbyte* w, int paddedColumns, float* columnScales, int n, float* z, int maxDegreeOfParallelism) =>
        Run(new Operands(qx, signed, rowScales, rows, groups, w, paddedColumns, columnScales, n, z, null), maxDegreeOfParallelism);

    /// <summary>acc [rows, paddedColumns] = qx · w in int32, the integer core alone, on the calling thread (tests).</summary>
    public static void Accumulate(sbyte* qx, bool signed, int rows, int groups, sbyte* w, int paddedColumns, int* acc) =>
        Run(new Operands(qx, signed, null, rows, groups, w, paddedColumns, null, paddedColumns, null, acc), 1);

    private static void Run(in Operands o, int maxDegreeOfParallelism)
    {
        switch (Kernel)
        {
            case Int8Kernel.Avx512BW:
                Run<Int8Lanes512, Vector512<int>, Vector512<sbyte>>(o, maxDegreeOfParallelism);
                break;
            case Int8Kernel.AvxVnni:
                Run<Int8LanesVnni, Vector256<int>, Vector256<sbyte>>(o, maxDegreeOfParallelism);
                break;
            case Int8Kernel.Avx2:
                Run<Int8Lanes256, Vector256<int>, Vector256<sbyte>>(o, maxDegreeOfParallelism);
                break;
            default:
                Run<Int8LanesScalar, int, int>(o, maxDegreeOfParallelism);
                break;
        }
    }

    private static void Run<TLanes, TInt, TSign>(in Operands o, int maxDegreeOfParallelism)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
    {
        if (o.Signed)
        {
            Run<TLanes, TInt, TSign, SignedRows>(o, maxDegreeOfParallelism);
        }
        else
        {
            Run<TLanes, TInt, TSign, NonNegativeRows>(o, maxDegreeOfParallelism);
        }
    }

    /// <summary>The workers: one per <see cref="MinMultiplyAddsPerWorker"/> of rows · n · 4·groups, capped by the caller and by the column blocks.</summary>
    private static void Run<TLanes, TInt, TSign, TSigns>(in Operands o, int maxDegreeOfParallelism)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs
    {
        int blocks = GemmBlocking.CeilDiv(o.PaddedColumns, Product<TLanes, TInt, TSign, TSigns>.BlockColumns);
        long byWork = Math.Max(1, (long)o.Rows * o.N * 4 * o.Groups / MinMultiplyAddsPerWorker);
        int workers = (int)Math.Min(Math.Min(WorkerPool.Cap(maxDegreeOfParallelism), byWork), blocks);
        WorkerPool.Run(new Product<TLanes, TInt, TSign, TSigns>(o), workers);
    }

    /// <summary>Every row over the padded columns [first, end): 4-row tiles, then single rows.</summary>
    private static void Columns<TLanes, TInt, TSign, TSigns>(in Operands o, int first, int end)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs
    {
        int r = 0;
        for (; r + 4 <= o.Rows; r += 4)
        {
            if (TLanes.Columns == 16)
            {
                Rows<TLanes, TInt, TSign, TSigns, Tile4x4>(o, r, first, end);   // 16 accumulators: 32 zmm registers hold them
            }
            else
            {
                Rows<TLanes, TInt, TSign, TSigns, Tile4x2>(o, r, first, end);   // 8: 16 ymm registers
            }
        }

        for (; r < o.Rows; r++)
        {
            Rows<TLanes, TInt, TSign, TSigns, Tile1x4>(o, r, first, end);
        }
    }

    /// <summary>Rows r..r+TTile.Rows−1 over the columns [first, end): whole tiles, then the remainder one register at a time.</summary>
    private static void Rows<TLanes, TInt, TSign, TSigns, TTile>(in Operands o, int r, int first, int end)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs
        where TTile : struct, IInt8Tile
    {
        int block = TTile.Cols * TLanes.Columns, j = first;
        for (; j + block <= end; j += block)
        {
            Tile<TLanes, TInt, TSign, TSigns, TTile>(o, r, j);
        }

        for (; j < end; j += TLanes.Columns)
        {
            if (TTile.Rows == 1)
            {
                Tile<TLanes, TInt, TSign, TSigns, Tile1x1>(o, r, j);
            }
            else
            {
                Tile<TLanes, TInt, TSign, TSigns, Tile4x1>(o, r, j);
            }
        }
    }

    /// <summary>One tile: rows r.., columns j.. (TTile.Cols registers), all groups, then the stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TLanes, TInt, TSign, TSigns, TTile>(in Operands o, int r, int j)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs
        where TTile : struct, IInt8Tile
    {
        int c = TLanes.Columns, depth = 4 * o.Groups;
        long wStride = 4L * o.PaddedColumns;
        sbyte* x0 = o.Qx + ((long)r * depth), x1 = x0 + depth, x2 = x1 + depth, x3 = x2 + depth;
        sbyte* w = o.W + (4L * j);
        TInt a00 = default, a01 = default, a02 = default, a03 = default;
        TInt a10 = default, a11 = default, a12 = default, a13 = default, a20 = default, a21 = default, a22 = default, a23 = default;
        TInt a30 = default, a31 = default, a32 = default, a33 = default;
        for (int g = 0; g < o.Groups; g++, w += wStride)
        {
            TInt w0 = TLanes.Load(w), w1 = default, w2 = default, w3 = default;
            if (TTile.Cols > 1)
            {
                w1 = TLanes.Load(w + (4 * c));
            }

            if (TTile.Cols > 2)
            {
                w2 = TLanes.Load(w + (8 * c));
                w3 = TLanes.Load(w + (12 * c));
            }

            int q = *(int*)(x0 + (4 * g));
            TInt u = TLanes.Magnitudes(q);
            TSign s = Signs<TLanes, TInt, TSign, TSigns>(q);
            a00 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a00, u, s, w0);
            if (TTile.Cols > 1)
            {
                a01 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a01, u, s, w1);
            }

            if (TTile.Cols > 2)
            {
                a02 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a02, u, s, w2);
                a03 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a03, u, s, w3);
            }

            if (TTile.Rows > 1)
            {
                q = *(int*)(x1 + (4 * g));
                u = TLanes.Magnitudes(q);
                s = Signs<TLanes, TInt, TSign, TSigns>(q);
                a10 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a10, u, s, w0);
                q = *(int*)(x2 + (4 * g));
                TInt u2 = TLanes.Magnitudes(q);
                TSign s2 = Signs<TLanes, TInt, TSign, TSigns>(q);
                a20 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a20, u2, s2, w0);
                q = *(int*)(x3 + (4 * g));
                TInt u3 = TLanes.Magnitudes(q);
                TSign s3 = Signs<TLanes, TInt, TSign, TSigns>(q);
                a30 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a30, u3, s3, w0);
                if (TTile.Cols > 1)
                {
                    a11 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a11, u, s, w1);
                    a21 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a21, u2, s2, w1);
                    a31 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a31, u3, s3, w1);
                }

                if (TTile.Cols > 2)
                {
                    a12 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a12, u, s, w2);
                    a13 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a13, u, s, w3);
                    a22 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a22, u2, s2, w2);
                    a23 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a23, u2, s2, w3);
                    a32 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a32, u3, s3, w2);
                    a33 = MultiplyAdd<TLanes, TInt, TSign, TSigns>(a33, u3, s3, w3);
                }
            }
        }

        Store<TLanes, TInt, TSign>(o, r, j, a00);
        if (TTile.Cols > 1)
        {
            Store<TLanes, TInt, TSign>(o, r, j + c, a01);
        }

        if (TTile.Cols > 2)
        {
            Store<TLanes, TInt, TSign>(o, r, j + (2 * c), a02);
            Store<TLanes, TInt, TSign>(o, r, j + (3 * c), a03);
        }

        if (TTile.Rows > 1)
        {
            Store<TLanes, TInt, TSign>(o, r + 1, j, a10);
            Store<TLanes, TInt, TSign>(o, r + 2, j, a20);
            Store<TLanes, TInt, TSign>(o, r + 3, j, a30);
            if (TTile.Cols > 1)
            {
                Store<TLanes, TInt, TSign>(o, r + 1, j + c, a11);
                Store<TLanes, TInt, TSign>(o, r + 2, j + c, a21);
                Store<TLanes, TInt, TSign>(o, r + 3, j + c, a31);
            }

            if (TTile.Cols > 2)
            {
                Store<TLanes, TInt, TSign>(o, r + 1, j + (2 * c), a12);
                Store<TLanes, TInt, TSign>(o, r + 1, j + (3 * c), a13);
                Store<TLanes, TInt, TSign>(o, r + 2, j + (2 * c), a22);
                Store<TLanes, TInt, TSign>(o, r + 2, j + (3 * c), a23);
                Store<TLanes, TInt, TSign>(o, r + 3, j + (2 * c), a32);
                Store<TLanes, TInt, TSign>(o, r + 3, j + (3 * c), a33);
            }
        }
    }

    /// <summary>The signs MultiplyAdd needs, none for rows known non-negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TSign Signs<TLanes, TInt, TSign, TSigns>(int quad)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs =>
        TSigns.Signed ? TLanes.Signs(quad) : default;

    /// <summary>acc + q · w over one group: with the signs applied, or, for rows with no negative q, without.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TInt MultiplyAdd<TLanes, TInt, TSign, TSigns>(TInt acc, TInt magnitudes, TSign signs, TInt weights)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs =>
        TSigns.Signed ? TLanes.MultiplyAdd(acc, magnitudes, signs, weights) : TLanes.MultiplyAddNonNegative(acc, magnitudes, weights);

    /// <summary>One register of results for row r, columns j..: the int32 sums (tests) or the dequantized floats of the columns below n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TLanes, TInt, TSign>(in Operands o, int r, int j, TInt acc)
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
    {
        if (o.Acc != null)
        {
            TLanes.Store(o.Acc + ((long)r * o.PaddedColumns) + j, acc);
        }
        else if (j < o.N)
        {
            TLanes.Store(o.Z + ((long)r * o.N) + j, acc, o.RowScales[r], o.ColumnScales + j, o.N - j);
        }
    }

    /// <summary>
    /// One product, split over whole blocks of BlockColumns padded columns (the widest tile's): worker w runs every
    /// row on its contiguous range of blocks. Each column's int32 sum is exact and its store depends on that column
    /// alone, so the bits are the same whichever worker, and whichever tile, computes it.
    /// </summary>
    private readonly struct Product<TLanes, TInt, TSign, TSigns>(Operands o) : IParallelBody
        where TLanes : struct, IInt8Lanes<TInt, TSign>
        where TInt : struct
        where TSign : struct
        where TSigns : struct, IInt8Signs
    {
        private readonly Operands _o = o;

        /// <summary>Padded columns per block: 4 registers, the widest tile (a multiple of every tile's width).</summary>
        public static int BlockColumns => 4 * TLanes.Columns;

        public void Prepare(int workerCount)
        {
        }

        public void Invoke(int worker, int workerCount, SpinBarrier? barrier)
        {
            (int first, int end) = GemmBlocking.Share(GemmBlocking.CeilDiv(_o.PaddedColumns, BlockColumns), 1, worker, workerCount);
            Columns<TLanes, TInt, TSign, TSigns>(_o, first * BlockColumns, Math.Min(_o.PaddedColumns, end * BlockColumns));
        }
    }

    private readonly struct Operands(sbyte* qx, bool signed, float* rowScales, int rows, int groups, sbyte* w, int paddedColumns, float* columnScales, int n, float* z, int* acc)
    {
        public readonly bool Signed = signed;
        public readonly sbyte* Qx = qx;
        public readonly float* RowScales = rowScales;
        public readonly int Rows = rows;
        public readonly int Groups = groups;
        public readonly sbyte* W = w;
        public readonly int PaddedColumns = paddedColumns;
        public readonly float* ColumnScales = columnScales;
        public readonly int N = n;
        public readonly float* Z = z;
        public readonly int* Acc = acc;
    }
}

/// <summary>The int8 kernels, by the ISA they need.</summary>
internal enum Int8Kernel
{
    /// <summary>No SIMD: one column at a time (DOTNET_EnableHWIntrinsic=0).</summary>
    Scalar,

    /// <summary>256-bit vpsignb, vpmaddubsw, vpmaddwd.</summary>
    Avx2,

    /// <summary>256-bit vpsignb and vpdpbusd.</summary>
    AvxVnni,

    /// <summary>512-bit masked vpsubb, vpmaddubsw, vpmaddwd.</summary>
    Avx512BW,
}

/// <summary>Whether the rows of a call may hold negative bytes (the signs must be applied) or hold none.</summary>
internal interface IInt8Signs
{
    static abstract bool Signed { get; }
}

internal readonly struct SignedRows : IInt8Signs
{
    public static bool Signed => true;
}

internal readonly struct NonNegativeRows : IInt8Signs
{
    public static bool Signed => false;
}

/// <summary>A register tile of Int8Gemm: Rows rows (1 or 4) × Cols registers (1, 2 or 4).</summary>
internal interface IInt8Tile
{
    static abstract int Rows { get; }

    static abstract int Cols { get; }
}

internal readonly struct Tile4x4 : IInt8Tile
{
    public static int Rows => 4;

    public static int Cols => 4;
}

internal readonly struct Tile4x2 : IInt8Tile
{
    public static int Rows => 4;

    public static int Cols => 2;
}

internal readonly struct Tile4x1 : IInt8Tile
{
    public static int Rows => 4;

    public static int Cols => 1;
}

internal readonly struct Tile1x4 : IInt8Tile
{
    public static int Rows => 1;

    public static int Cols => 4;
}

internal readonly struct Tile1x1 : IInt8Tile
{
    public static int Rows => 1;

    public static int Cols => 1;
}
