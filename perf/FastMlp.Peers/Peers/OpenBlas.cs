using System.Runtime.InteropServices;

using FastMlp.Peers.Infrastructure;

namespace FastMlp.Peers.Peers;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c> from the system library (Debian: <c>apt-get install libopenblas0-pthread</c>),
/// bound through <see cref="NativeLibrary"/> so a machine without it still runs the suite (the peer is then a
/// "not loaded" row). OpenBLAS picks its kernel set once, when the library loads: with OPENBLAS_CORETYPE set
/// (these machines set it to Haswell) it takes that set, so <see cref="Info"/> unsets it in this process's C
/// environment first (or sets it to <see cref="CoreType"/> when the run asks for one) and reports the set OpenBLAS
/// chose (<c>openblas_get_config</c>, <c>openblas_get_corename</c>).
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    /// <summary>Debian's name first (the pthread build behind the alternatives link), then the generic ones.</summary>
    private static readonly string[] s_libraryNames = ["libopenblas.so.0", "libopenblas.so", "libopenblas"];

    private static readonly Lazy<PeerInfo> s_info = new(Load);

    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static delegate* unmanaged<int, void> s_setNumThreads;

    public static PeerInfo Info => s_info.Value;

    /// <summary>
    /// The kernel set to load OpenBLAS with (OPENBLAS_CORETYPE, e.g. Haswell for its AVX2 kernels, beside FastMlp run
    /// with DOTNET_EnableAVX512=0); null, the default, lets it pick for the CPU. Only before <see cref="Info"/> is first read.
    /// </summary>
    public static string? CoreType { get; set; }

    /// <summary>OpenBLAS's own thread count for every later call (its pthread pool, not .NET's).</summary>
    public static void SetThreads(int threads)
    {
        RequireLoaded();
        s_setNumThreads(threads);
    }

    /// <summary>C = op(A)·op(B), row-major, β = 0: the same contract as FastMlp's Gemm.Multiply with contiguous operands.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool transposeA, bool transposeB)
    {
        RequireLoaded();
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
        {
            throw new ArgumentException($"Operands too short for {m}×{k}·{k}×{n}.");
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            s_sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans, m, n, k,
                1f, pa, transposeA ? m : k, pb, transposeB ? k : n, 0f, pc, n);
        }
    }

    private static void RequireLoaded()
    {
        if (!Info.Loaded)
        {
            throw new InvalidOperationException($"OpenBLAS is not loaded: {Info.Detail}");
        }
    }

    private static PeerInfo Load()
    {
        const string name = "OpenBLAS";
        string? coreTypeBefore = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");

        // .NET keeps its own copy of the environment; OpenBLAS reads the C one with getenv when it loads.
        _ = CoreType is null ? Unsetenv("OPENBLAS_CORETYPE") : Setenv("OPENBLAS_CORETYPE", CoreType, 1);
        nint handle = 0;
        string? loadedName = s_libraryNames.FirstOrDefault(n => NativeLibrary.TryLoad(n, out handle));
        if (loadedName is null)
        {
            return PeerInfo.Failed(name, "", "libopenblas.so.0 not found; install it with `apt-get install libopenblas0-pthread`");
        }

        try
        {
            s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
                NativeLibrary.GetExport(handle, "cblas_sgemm");
            s_setNumThreads = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(handle, "openblas_set_num_threads");
            var config = (delegate* unmanaged<sbyte*>)NativeLibrary.GetExport(handle, "openblas_get_config");
            var coreName = (delegate* unmanaged<sbyte*>)NativeLibrary.GetExport(handle, "openblas_get_corename");
            string configText = new(config());
            string core = new(coreName());

            // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64": the version is the second word.
            string version = configText.Split(' ') is [_, string v, ..] ? v : "";
            string environment = CoreType is not null ? $"OPENBLAS_CORETYPE={CoreType} set by --openblas-core"
                : coreTypeBefore is null ? "OPENBLAS_CORETYPE was not set"
                : $"OPENBLAS_CORETYPE={coreTypeBefore} unset before loading";
            return new PeerInfo(name, true, version, $"{loadedName}: `{configText}`, kernels for {core} ({environment})");
        }
        catch (EntryPointNotFoundException e)
        {
            return PeerInfo.Failed(name, "", $"{loadedName} loaded but lacks an export: {e.Message}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Setenv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unsetenv(string name);
}
