// op(B) packed once for many products: a layer's weights, which every inference call multiplies by
// (issue 12's Predictor). The tile path's NR-column panels for every KC block of the depth, in one
// 64-byte-aligned buffer: block pc holds ⌈n/NR⌉ panels of kc×NR floats (kc = min(KC, k − pc), zero
// columns past n), so the path finds column j's panel of block pc at pc·⌈n/NR⌉·NR + j·kc. A product
// with it packs nothing, rents nothing, and gives the bits it gives with B itself: the kernel's
// arithmetic per element does not depend on where B is read from (IGemmKernel.cs). The panels fit the
// kernel and blocking they were packed for, which Gemm.Multiply checks.
namespace FastMlp;

internal sealed unsafe class GemmPackedB : IDisposable
{
    private readonly AlignedBuffer _panels = new();
    private bool _disposed;

    private GemmPackedB(int k, int n, int nr, int depthBlock)
    {
        K = k;
        N = n;
        NR = nr;
        DepthBlock = depthBlock;
    }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>The panel width: the NR of the kernel it was packed for.</summary>
    public int NR { get; }

    /// <summary>The KC of the blocking it was packed for.</summary>
    public int DepthBlock { get; }

    /// <summary>The first panel; valid until Dispose.</summary>
    public float* Panels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _panels.Pointer;
        }
    }

    /// <summary>Packs op(B) (k×n: B stored k×n with ldb ≥ n, or n×k when <paramref name="transposeB"/>) for the kernel Gemm.Multiply picks on this machine.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="ldb"/> is too small, or the panels would pass int.MaxValue floats.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> is too short for its shape.</exception>
    public static GemmPackedB Create(ReadOnlySpan<float> b, int ldb, bool transposeB, int k, int n) =>
        GemmKernelAvx512.IsSupported ? Create<GemmKernelAvx512>(b, ldb, transposeB, k, n, GemmBlocking.Default)
        : GemmKernelAvx2.IsSupported ? Create<GemmKernelAvx2>(b, ldb, transposeB, k, n, GemmBlocking.Default)
        : Create<GemmKernelScalar>(b, ldb, transposeB, k, n, GemmBlocking.Default);

    /// <summary>The same for a forced kernel and blocking (tests).</summary>
    public static GemmPackedB Create<TKernel>(ReadOnlySpan<float> b, int ldb, bool transposeB, int k, int n, GemmBlocking blocking)
        where TKernel : struct, IGemmKernel
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Gemm.Needed(b.Length, nameof(b), nameof(ldb), ldb, transposeB ? n : k, transposeB ? k : n, transposeB ? "n×k (transposeB)" : "k×n");
        int nr = TKernel.NR, kcBlock = blocking.DepthBlock;
        long width = GemmBlocking.RoundUp(n, nr);
        if (k * width > int.MaxValue)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(n), n, $"{k}×{n} packed in {nr}-column panels is {k * width} floats, more than one buffer holds ({int.MaxValue}).");
        }

        var packed = new GemmPackedB(k, n, nr, kcBlock);
        packed._panels.Ensure((int)(k * width));
        fixed (float* pb = b)
        {
            var x = new GemmOperands(null, 0, false, pb, ldb, transposeB, null, 0, 0, n, k, 1f, 0f);
            float* block = packed._panels.Pointer;
            for (int pc = 0, kc; pc < k; pc += kc, block += kc * width)
            {
                kc = Math.Min(kcBlock, k - pc);
                for (int j = 0; j < n; j += nr)
                {
                    Gemm.PackBPanel<TKernel>(x, pc, kc, j, Math.Min(nr, n - j), block + (j * (nint)kc));
                }
            }
        }

        return packed;
    }

    /// <summary>Frees the panels. Only once no product uses them: the owner (a Predictor) knows when its calls are done.</summary>
    public void Dispose()
    {
        _disposed = true;
        _panels.Dispose();
    }
}
