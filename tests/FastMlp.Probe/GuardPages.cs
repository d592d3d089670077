// Every GEMM operand ends at the last float before an inaccessible page, so a read or write one element
// past A, B or C kills the process (SIGSEGV) instead of reading a neighbour's memory as the NaN margins of
// the in-process tests do: the narrow kernel loads whole registers of B where its caller has computed that
// they lie inside B (IGemmKernel.RunNarrow), and masked lanes past the end are not read at all. Shapes
// cover the narrow widths 1 to 17 around both kernels' NarrowColumns, ragged panels, several depth
// blocks, transposes and leading dimensions; each result is checked exactly against a plain triple loop.
using System.Runtime.InteropServices;

namespace FastMlp.Probe;

internal static unsafe partial class GuardPages
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    public static string Run()
    {
        ProbeFailedException.ThrowUnless(OperatingSystem.IsLinux(), "guard-pages maps pages with mmap, which needs Linux");
        int products = 0;
        foreach (int n in (int[])[1, 2, 7, 8, 9, 10, 15, 16, 17, 31, 33, 40])
        {
            foreach ((int m, int k) in ((int, int)[])[(1, 5), (2, 3), (7, 17), (13, 300), (32, 128), (150, 9)])
            {
                foreach ((bool ta, bool tb) in ((bool, bool)[])[(false, false), (true, false), (false, true), (true, true)])
                {
                    foreach (int pad in (int[])[0, 3])
                    {
                        Check(m, n, k, ta, tb, pad);
                        products++;
                    }
                }
            }
        }

        return $"{products} products with A, B and C ending at an inaccessible page: none read or wrote past an operand, all exact";
    }

    private static void Check(int m, int n, int k, bool ta, bool tb, int pad)
    {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int lengthA = ((ta ? k : m) - 1) * lda + (ta ? m : k), lengthB = ((tb ? n : k) - 1) * ldb + (tb ? k : n), lengthC = (m - 1) * ldc + n;
        using var a = new GuardedFloats(lengthA);
        using var b = new GuardedFloats(lengthB);
        using var c = new GuardedFloats(lengthC);
        var random = new Random(m * 1_000_003 + n * 1009 + k);
        for (int i = 0; i < lengthA; i++)
        {
            a.Span[i] = random.Next(-4, 5);
        }

        for (int i = 0; i < lengthB; i++)
        {
            b.Span[i] = random.Next(-4, 5);
        }

        c.Span.Fill(float.NaN);
        foreach (int threads in (int[])[1, -1])
        {
            Gemm.Multiply(a.Span, lda, ta, b.Span, ldb, tb, c.Span, ldc, m, n, k, 1f, 0f, threads);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double want = 0;
                    for (int p = 0; p < k; p++)
                    {
                        want += (ta ? a.Span[(p * lda) + i] : a.Span[(i * lda) + p]) * (double)(tb ? b.Span[(j * ldb) + p] : b.Span[(p * ldb) + j]);
                    }

                    ProbeFailedException.ThrowUnless(c.Span[(i * ldc) + j] == want, $"{m}×{n}×{k} (transposes {ta}/{tb}, pad {pad}, {threads} threads): C[{i}, {j}] = {c.Span[(i * ldc) + j]}, expected {want}");
                }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);

    /// <summary>length floats whose last one is the last float before an inaccessible page.</summary>
    private sealed class GuardedFloats : IDisposable
    {
        private readonly nint _mapping;
        private readonly nuint _bytes;

        public GuardedFloats(int length)
        {
            nuint page = (nuint)Environment.SystemPageSize;
            nuint data = ((nuint)length * sizeof(float) + page - 1) / page * page;
            _bytes = data + page;
            _mapping = mmap(0, _bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            ProbeFailedException.ThrowUnless(_mapping != -1, $"mmap failed: errno {Marshal.GetLastPInvokeError()}");
            ProbeFailedException.ThrowUnless(mprotect(_mapping + (nint)data, page, ProtNone) == 0, $"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
            Pointer = (float*)(_mapping + (nint)data) - length;
            Length = length;
        }

        public float* Pointer { get; }

        public int Length { get; }

        public Span<float> Span => new(Pointer, Length);

        public void Dispose() => munmap(_mapping, _bytes);
    }
}
