// Entry point of the single-precision GEMM: validates once at the public boundary, picks the
// micro-kernel once per call by ISA (AVX-512, else AVX2+FMA, else scalar) and one of four paths by
// shape: plain loops for tiny products (Gemm.Tiny.cs), for m = 1 dot products against a transposed B
// (Gemm.Dot.cs) or the row path (Gemm.Row.cs), the tile path otherwise (Gemm.Driver.cs), which also
// takes every product with a pre-packed B (GemmPackedB.cs). Code below this file trusts its arguments.
using System.Numerics.Tensors;

namespace FastMlp;

/// <summary>
/// Single-precision general matrix multiply on row-major matrices: C = alpha · op(A) · op(B) + beta · C.
/// </summary>
/// <remarks>
/// A warm call on one thread allocates nothing: packing buffers come from a small shared pool of
/// contexts, rented for the call and returned at its end, so they are reused without growing with
/// the number of threads that call.
/// Results are bit-identical for any <c>maxDegreeOfParallelism</c>. Any m, n and k that the spans can
/// hold, up to int.MaxValue, is computed in full: no size arithmetic overflows.
/// </remarks>
public static partial class Gemm
{
    /// <summary>
    /// C (m×n) = alpha · op(A) · op(B) + beta · C, all row-major with explicit leading dimensions.
    /// </summary>
    /// <param name="a">op(A) is m×k: A is stored m×k (<paramref name="lda"/> ≥ k), or k×m when <paramref name="transposeA"/> (<paramref name="lda"/> ≥ m).</param>
    /// <param name="lda">Distance in elements between consecutive stored rows of A.</param>
    /// <param name="transposeA">Whether A is stored k×m and used transposed.</param>
    /// <param name="b">op(B) is k×n: B is stored k×n (<paramref name="ldb"/> ≥ n), or n×k when <paramref name="transposeB"/> (<paramref name="ldb"/> ≥ k).</param>
    /// <param name="ldb">Distance in elements between consecutive stored rows of B.</param>
    /// <param name="transposeB">Whether B is stored n×k and used transposed.</param>
    /// <param name="c">The m×n result; when <paramref name="beta"/> is 0 it is written, never read. Must not overlap A or B.</param>
    /// <param name="ldc">Distance in elements between consecutive rows of C (≥ n).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product; when 0, A and B are not read.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="maxDegreeOfParallelism">-1 for all cores, otherwise the most threads to use (1 = the calling thread only).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, a leading dimension is too small, or <paramref name="maxDegreeOfParallelism"/> is 0 or below -1.</exception>
    /// <exception cref="ArgumentException">A span is too short for its shape and leading dimension, or C overlaps A or B.</exception>
    public static unsafe void Multiply(
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        int m, int n, int k,
        float alpha = 1f, float beta = 0f, int maxDegreeOfParallelism = -1)
    {
        Validate(a, lda, transposeA, b, ldb, transposeB, c, ldc, m, n, k, maxDegreeOfParallelism);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Multiply(new GemmOperands(pa, lda, transposeA, pb, ldb, transposeB, pc, ldc, m, n, k, alpha, beta), maxDegreeOfParallelism);
        }
    }

    /// <summary>C (m×n) = op(A) · op(B) on contiguous operands (leading dimensions implied by the shapes).</summary>
    /// <param name="a">op(A), m×k; stored k×m when <paramref name="transposeA"/>.</param>
    /// <param name="b">op(B), k×n; stored n×k when <paramref name="transposeB"/>.</param>
    /// <param name="c">The m×n result, written without being read. Must not overlap A or B.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="transposeA">Whether A is stored k×m and used transposed.</param>
    /// <param name="transposeB">Whether B is stored n×k and used transposed.</param>
    /// <param name="maxDegreeOfParallelism">-1 for all cores, otherwise the most threads to use (1 = the calling thread only).</param>
    public static void Multiply(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int n, int k,
        bool transposeA = false, bool transposeB = false, int maxDegreeOfParallelism = -1) =>
        Multiply(a, transposeA ? m : k, transposeA, b, transposeB ? k : n, transposeB, c, n, m, n, k, 1f, 0f, maxDegreeOfParallelism);

    /// <summary>C (m×n) = alpha · op(A) · B + beta · C with B packed once (<see cref="GemmPackedB"/>, k×n): the same bits as with B itself.</summary>
    /// <exception cref="ArgumentException">A span is too short, C overlaps A, or <paramref name="b"/> was packed for another kernel or blocking.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="b"/> is disposed.</exception>
    internal static void Multiply(
        ReadOnlySpan<float> a, int lda, bool transposeA, GemmPackedB b, Span<float> c, int ldc, int m,
        float alpha = 1f, float beta = 0f, int maxDegreeOfParallelism = -1)
    {
        if (GemmKernelAvx512.IsSupported)
        {
            Multiply<GemmKernelAvx512>(a, lda, transposeA, b, c, ldc, m, alpha, beta, maxDegreeOfParallelism, GemmBlocking.Default);
        }
        else if (GemmKernelAvx2.IsSupported)
        {
            Multiply<GemmKernelAvx2>(a, lda, transposeA, b, c, ldc, m, alpha, beta, maxDegreeOfParallelism, GemmBlocking.Default);
        }
        else
        {
            Multiply<GemmKernelScalar>(a, lda, transposeA, b, c, ldc, m, alpha, beta, maxDegreeOfParallelism, GemmBlocking.Default);
        }
    }

    /// <summary>The packed-B product with the micro-kernel and the cache blocking forced (tests).</summary>
    internal static unsafe void Multiply<TKernel>(
        ReadOnlySpan<float> a, int lda, bool transposeA, GemmPackedB b, Span<float> c, int ldc, int m,
        float alpha, float beta, int maxDegreeOfParallelism, GemmBlocking blocking)
        where TKernel : struct, IGemmKernel
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.NR != TKernel.NR || b.DepthBlock != blocking.DepthBlock)
        {
            ThrowHelper.ThrowArgument(nameof(b), $"b was packed in {b.NR}-column panels of depth {b.DepthBlock}; this product runs {TKernel.NR}-column panels of depth {blocking.DepthBlock}.");
        }

        int n = b.N, k = b.K;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ValidateThreads(maxDegreeOfParallelism);

        long needA = Needed(a.Length, nameof(a), nameof(lda), lda, transposeA ? k : m, transposeA ? m : k, transposeA ? "k×m (transposeA)" : "m×k");
        long needC = Needed(c.Length, nameof(c), nameof(ldc), ldc, m, n, "m×n");
        if (((ReadOnlySpan<float>)c[..(int)needC]).Overlaps(a[..(int)needA]))
        {
            ThrowHelper.ThrowArgument(nameof(c), $"The {m}×{n} region of c (ldc = {ldc}) overlaps a; the destination must not share memory with the operands.");
        }

        float* panels = b.Panels;
        fixed (float* pa = a, pc = c)
        {
            Run<TKernel>(new GemmOperands(pa, lda, transposeA, panels, 0, false, pc, ldc, m, n, k, alpha, beta, bPacked: true), maxDegreeOfParallelism, blocking);
        }
    }

    /// <summary>
    /// The product on trusted operands (the caller has checked shapes, lengths and overlap, as the
    /// MLP layers do by construction), with the micro-kernel picked by ISA.
    /// </summary>
    internal static void Multiply(in GemmOperands x, int maxDegreeOfParallelism)
    {
        if (GemmKernelAvx512.IsSupported)
        {
            Run<GemmKernelAvx512>(x, maxDegreeOfParallelism, GemmBlocking.Default);
        }
        else if (GemmKernelAvx2.IsSupported)
        {
            Run<GemmKernelAvx2>(x, maxDegreeOfParallelism, GemmBlocking.Default);
        }
        else
        {
            Run<GemmKernelScalar>(x, maxDegreeOfParallelism, GemmBlocking.Default);
        }
    }

    /// <summary>The public contract with the micro-kernel and the cache blocking forced (tests and benchmarks).</summary>
    internal static unsafe void Multiply<TKernel>(
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc,
        int m, int n, int k,
        float alpha, float beta, int maxDegreeOfParallelism, GemmBlocking blocking)
        where TKernel : struct, IGemmKernel
    {
        Validate(a, lda, transposeA, b, ldb, transposeB, c, ldc, m, n, k, maxDegreeOfParallelism);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run<TKernel>(new GemmOperands(pa, lda, transposeA, pb, ldb, transposeB, pc, ldc, m, n, k, alpha, beta), maxDegreeOfParallelism, blocking);
        }
    }

    /// <summary>
    /// Picks the path for a validated product and runs it, with a context rented for the call when the
    /// path packs (its Prepare grows the buffers, before any worker reads a pointer).
    /// </summary>
    private static unsafe void Run<TKernel>(in GemmOperands x, int maxDegreeOfParallelism, GemmBlocking blocking)
        where TKernel : struct, IGemmKernel
    {
        if (x.M == 0 || x.N == 0)
        {
            return;
        }

        if (x.K == 0 || x.Alpha == 0)
        {
            // BLAS semantics: no product to add, and A and B are not read (so their NaNs cannot leak).
            ScaleRows(x);
            return;
        }

        int nrMax = TKernel.NR;
        int panels = Math.Max(GemmBlocking.CeilDiv(x.N, nrMax), GemmBlocking.CeilDiv(x.M, TKernel.MR));
        int workers = Workers(maxDegreeOfParallelism, (long)x.M * x.N * x.K, panels);
        if (x.BPacked)
        {
            // Every shape reads pre-packed panels through the tile path (the other paths read B as stored).
            WorkerPool.Run(new TilePath<TKernel>(x, blocking, false, null), workers);
            return;
        }

        if ((long)x.M * x.N * x.K <= TinyMultiplyAdds)
        {
            RunTiny<TKernel>(x, blocking);
            return;
        }

        if (x.M == 1 && x.TransposeB && !x.TransposeA)
        {
            WorkerPool.Run(new DotPath(x), Math.Min(workers, GemmBlocking.CeilDiv(x.N, nrMax)));
            return;
        }

        if (x.M == 1 && !x.TransposeB && !x.TransposeA)
        {
            // The GEMV of batch-1 inference reads A and B where they lie: no buffer, so no context to rent.
            WorkerPool.Run(new RowPath<TKernel>(x, blocking, null), Math.Min(workers, GemmBlocking.CeilDiv(x.N, nrMax)));
            return;
        }

        // What is left of m = 1 with a non-transposed B has a transposed A, gathered into a buffer by the row path.
        bool rowPath = x.M == 1 && !x.TransposeB;
        bool bInPlace = ReadsBInPlace(x, blocking.RowBlock(TKernel.MR));
        if (!rowPath && !TilePathPacks<TKernel>(x, bInPlace))
        {
            // Reads A and B where they lie: no buffer, so no context to rent.
            WorkerPool.Run(new TilePath<TKernel>(x, blocking, bInPlace, null), workers);
            return;
        }

        GemmContext context = GemmContext.Rent();
        try
        {
            if (rowPath)
            {
                WorkerPool.Run(new RowPath<TKernel>(x, blocking, context), Math.Min(workers, GemmBlocking.CeilDiv(x.N, nrMax)));
            }
            else
            {
                WorkerPool.Run(new TilePath<TKernel>(x, blocking, bInPlace, context), workers);
            }
        }
        finally
        {
            // WorkerPool.Run returns (or throws) only once every worker has left the body.
            GemmContext.Return(context);
        }
    }

    /// <summary>How many workers a product of <paramref name="multiplyAdds"/> gets: one per <see cref="GemmBlocking.MinMultiplyAddsPerWorker"/>, capped by the caller and by the panels to share.</summary>
    private static int Workers(int maxDegreeOfParallelism, long multiplyAdds, int panels)
    {
        long byWork = Math.Max(1, multiplyAdds / GemmBlocking.MinMultiplyAddsPerWorker);
        return (int)Math.Min(Math.Min(WorkerPool.Cap(maxDegreeOfParallelism), byWork), panels);
    }

    /// <summary>C = beta · C on the m×n region; beta == 0 writes zeros without reading.</summary>
    private static unsafe void ScaleRows(in GemmOperands x)
    {
        for (int i = 0; i < x.M; i++)
        {
            var row = new Span<float>(x.C + (i * x.Ldc), x.N);
            if (x.Beta == 0)
            {
                row.Clear();
            }
            else if (x.Beta != 1)
            {
                TensorPrimitives.Multiply(row, x.Beta, row);
            }
        }
    }

    private static void Validate(
        ReadOnlySpan<float> a, int lda, bool transposeA,
        ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc, int m, int n, int k, int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ValidateThreads(maxDegreeOfParallelism);

        long needA = Needed(a.Length, nameof(a), nameof(lda), lda, transposeA ? k : m, transposeA ? m : k, transposeA ? "k×m (transposeA)" : "m×k");
        long needB = Needed(b.Length, nameof(b), nameof(ldb), ldb, transposeB ? n : k, transposeB ? k : n, transposeB ? "n×k (transposeB)" : "k×n");
        long needC = Needed(c.Length, nameof(c), nameof(ldc), ldc, m, n, "m×n");

        // Only the elements the product touches count: disjoint slices of one array are fine.
        ReadOnlySpan<float> usedC = c[..(int)needC];
        if (usedC.Overlaps(a[..(int)needA]) || usedC.Overlaps(b[..(int)needB]))
        {
            ThrowHelper.ThrowArgument(nameof(c), $"The {m}×{n} region of c (ldc = {ldc}) overlaps a or b; the destination must not share memory with the operands.");
        }
    }

    private static void ValidateThreads(int maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 (all cores) or at least 1.");
        }
    }

    /// <summary>Checks a rows×cols matrix stored with leading dimension ld in a span; returns the elements it spans.</summary>
    internal static long Needed(int length, string name, string ldName, int ld, int rows, int cols, string shape)
    {
        if (ld < cols)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ldName, ld, $"{ldName} = {ld} is less than the {cols} columns of {name}, stored {shape} = {rows}×{cols}.");
        }

        long needed = rows == 0 || cols == 0 ? 0 : ((rows - 1) * (long)ld) + cols;
        if (length < needed)
        {
            ThrowHelper.ThrowArgument(name, $"{name} has {length} elements but a {rows}×{cols} matrix ({shape}) with {ldName} = {ld} needs {needed}.");
        }

        return needed;
    }
}
