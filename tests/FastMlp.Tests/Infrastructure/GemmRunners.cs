// GemmRunners: the implementations under test behind one delegate shape, so every property runs
// the same way against the public entry point and against each forced micro-kernel.
//   Public          Gemm.Multiply, the kernel and blocking chosen by the library.
//   Kernel(...)     Gemm.Multiply<TKernel> with a given blocking, for every kernel this process can run.
// Kernels this process cannot run (the Vector512 kernel under DOTNET_EnableAVX512=0, both vector
// kernels under DOTNET_EnableHWIntrinsic=0 or off x64)
// are left out of SupportedKernels rather than passed silently; GemmKernelSupportTests pins down
// when each kernel must be available.
using System.Runtime.Intrinsics;

namespace FastMlp.Tests.Infrastructure;

/// <summary>C = alpha · op(A) · op(B) + beta · C, with the public Gemm.Multiply's parameters.</summary>
internal delegate void GemmCall(
    ReadOnlySpan<float> a, int lda, bool transposeA,
    ReadOnlySpan<float> b, int ldb, bool transposeB,
    Span<float> c, int ldc,
    int m, int n, int k,
    float alpha, float beta, int maxDegreeOfParallelism);

/// <summary>One micro-kernel, forced through the internal Gemm.Multiply&lt;TKernel&gt;.</summary>
internal interface IGemmKernelRunner
{
    string Name { get; }

    int MR { get; }

    int NR { get; }

    /// <summary>The widest ragged last panel the tile path reads in place with the one-register kernel (0: none).</summary>
    int NarrowColumns { get; }

    bool IsSupported { get; }

    GemmCall With(GemmBlocking blocking);

    /// <summary>The same product with B packed first (GemmPackedB for this kernel and blocking), then multiplied from its panels.</summary>
    GemmCall WithPackedB(GemmBlocking blocking);
}

/// <param name="name">The library's name for the kernel (GemmKernels.cs aliases the two SIMD instantiations).</param>
internal sealed class GemmKernelRunner<TKernel>(string name) : IGemmKernelRunner
    where TKernel : struct, IGemmKernel
{
    public string Name => name;

    public int MR => TKernel.MR;

    public int NR => TKernel.NR;

    public int NarrowColumns => TKernel.NarrowColumns;

    public bool IsSupported => TKernel.IsSupported;

    public GemmCall With(GemmBlocking blocking) =>
        (a, lda, ta, b, ldb, tb, c, ldc, m, n, k, alpha, beta, threads) =>
            Gemm.Multiply<TKernel>(a, lda, ta, b, ldb, tb, c, ldc, m, n, k, alpha, beta, threads, blocking);

    public GemmCall WithPackedB(GemmBlocking blocking) =>
        (a, lda, ta, b, ldb, tb, c, ldc, m, n, k, alpha, beta, threads) =>
        {
            using GemmPackedB packed = GemmPackedB.Create<TKernel>(b, ldb, tb, k, n, blocking);
            Gemm.Multiply<TKernel>(a, lda, ta, packed, c, ldc, m, alpha, beta, threads, blocking);
        };

    public override string ToString() => Name;
}

internal static class GemmRunners
{
    /// <summary>The public entry point's key in <see cref="Implementations"/>.</summary>
    public const string PublicName = "Gemm.Multiply";

    /// <summary>The public entry point.</summary>
    public static GemmCall Public { get; } = Gemm.Multiply;

    /// <summary>Every micro-kernel in the library, supported here or not.</summary>
    public static IReadOnlyList<IGemmKernelRunner> AllKernels { get; } =
    [
        new GemmKernelRunner<GemmKernelScalar>(nameof(GemmKernelScalar)),
        new GemmKernelRunner<GemmKernelSimd<GemmLanes256, Vector256<float>>>("GemmKernelAvx2"),
        new GemmKernelRunner<GemmKernelSimd<GemmLanes512, Vector512<float>>>("GemmKernelAvx512"),
    ];

    /// <summary>The kernels this process can run; never empty, since the scalar kernel runs anywhere.</summary>
    public static IReadOnlyList<IGemmKernelRunner> SupportedKernels { get; } = [.. AllKernels.Where(kernel => kernel.IsSupported)];

    /// <summary>Theory rows: the names of SupportedKernels.</summary>
    public static TheoryData<string> SupportedKernelNames => [.. SupportedKernels.Select(kernel => kernel.Name)];

    public static IGemmKernelRunner Kernel(string name) => AllKernels.Single(kernel => kernel.Name == name);

    /// <summary>
    /// The kernels an implementation of <see cref="Implementations"/> may run: its own, or for the public entry point
    /// every supported one (it picks one by ISA), so shapes derived from a kernel's tile reach the one in use.
    /// </summary>
    public static IReadOnlyList<IGemmKernelRunner> KernelsOf(string implementation) =>
        implementation == PublicName ? SupportedKernels : [SupportedKernels.Single(kernel => implementation.StartsWith(kernel.Name + " ", StringComparison.Ordinal))];

    /// <summary>A blocking that rounds up to one MR×NR tile per block and splits the depth every 3: every loop runs.</summary>
    public static GemmBlocking Tiny { get; } = new(MC: 1, KC: 3, NC: 1);

    /// <summary>
    /// Every way to reach the product: the public entry point, and each supported kernel with the
    /// default and with the tiny blocking. Keyed by a readable name for theory rows.
    /// </summary>
    public static IReadOnlyDictionary<string, GemmCall> Implementations { get; } = BuildImplementations();

    /// <summary>Theory rows: the keys of Implementations.</summary>
    public static TheoryData<string> ImplementationNames => [.. Implementations.Keys];

    private static Dictionary<string, GemmCall> BuildImplementations()
    {
        var all = new Dictionary<string, GemmCall> { [PublicName] = Public };
        foreach (IGemmKernelRunner kernel in SupportedKernels)
        {
            all[$"{kernel.Name} default blocking"] = kernel.With(GemmBlocking.Default);
            all[$"{kernel.Name} tiny blocking"] = kernel.With(Tiny);
        }

        return all;
    }
}
