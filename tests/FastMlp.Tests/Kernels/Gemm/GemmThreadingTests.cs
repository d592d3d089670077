// GemmThreadingTests: products large enough to pass the library's minimum-work threshold, so
// maxDegreeOfParallelism 2 (and -1, all cores) really splits the work. The design promises results
// bit-identical to one thread (each element is summed in the same order whoever computes it), so
// the 1-, 2- and all-thread results must agree bit for bit, and the 1-thread result must lie within
// the rounding bound of NaiveGemm. Agreement alone would also hold if the split silently stopped, so
// every call counts its dispatches to the worker pool (WorkerPool.SplitJobs): exactly one for a 2- or
// all-thread call, none for a 1-thread call, and none at all on a one-core machine, where no split
// is possible. The class runs alone (SerialTestGroup): the worker pool runs a job on the caller alone
// when another job holds it, which would leave the split untested.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

[Collection(SerialTestGroup.Name)]
public sealed class GemmThreadingTests
{
    // Square sizes past the threshold, tall-skinny and short-wide shapes (the small path when m ≤ MC),
    // and a batch-of-2 MLP layer: each cuts differently into row blocks or column panels.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 256, 256, 256 },
        { 300, 300, 300 },
        { 397, 401, 263 },
        { 500, 64, 300 },
        { 64, 500, 300 },
        { 2, 4096, 1024 },
        { 1500, 7, 1000 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Public_api_is_bit_identical_on_1_and_2_threads_and_matches_NaiveGemm(int m, int n, int k)
    {
        int seed = m + n + k;
        foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
        {
            var t = new GemmTestCase(m, n, k, transposeA, transposeB, 1, 3, 2, 0.75f, -0.5f, GemmData.Uniform, seed++);
            AgreeAcrossThreadCounts(t, GemmRunners.Public, "Gemm.Multiply");
        }
    }

    public static TheoryData<string> Kernels => GemmRunners.SupportedKernelNames;

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_kernel_with_small_blocks_is_bit_identical_on_1_and_2_threads(string kernelName)
    {
        // Small blocks give each worker many ic blocks (packed path) or jr panels (small path: m ≤ MC).
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        GemmCall call = kernel.With(new GemmBlocking(MC: 24, KC: 37, NC: 64));
        string name = $"{kernel.Name} with MC 24, KC 37, NC 64";
        AgreeAcrossThreadCounts(new GemmTestCase(300, 300, 300, false, false, 0, 0, 0, 1f, 0f, GemmData.Uniform, 1), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(301, 299, 200, true, true, 2, 1, 3, -1f, 0.5f, GemmData.Uniform, 2), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(20, 1200, 400, false, false, 1, 1, 1, 1f, 1f, GemmData.Uniform, 3), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(20, 1200, 400, true, true, 0, 0, 0, 2f, 0f, GemmData.Uniform, 4), call, name);
    }

    [Fact]
    public void Bursts_and_pauses_between_parallel_calls_never_lose_or_repeat_a_job()
    {
        // Calls back to back (the worker is still spinning) alternate with pauses long enough for it to
        // fall asleep on its event; the hand-over between those states once ran a job twice. With β = 1 a
        // job run twice adds its product twice, so every result must equal the single-thread one.
        const int m = 64, n = 256, k = 512;
        var random = new Random(9);
        float[] a = new float[m * k], b = new float[k * n], want = new float[m * n], got = new float[m * n];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)random.NextDouble() - 0.5f;
        }

        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (float)random.NextDouble() - 0.5f;
        }

        Array.Fill(want, 1f);
        Gemm.Multiply(a, k, false, b, n, false, want, n, m, n, k, 1f, 1f, maxDegreeOfParallelism: 1);
        long splitBefore = WorkerPool.SplitJobs;
        for (int call = 0; call < 400; call++)
        {
            Array.Fill(got, 1f);
            Gemm.Multiply(a, k, false, b, n, false, got, n, m, n, k, 1f, 1f, maxDegreeOfParallelism: 2);
            GemmAssert.BitIdentical(want, got, $"call {call}");
            Thread.Sleep(call % 2);
        }

        Assert.Equal(400 * SplitsPerParallelCall, WorkerPool.SplitJobs - splitBefore);
    }

    /// <summary>Dispatches to the worker pool that one 2- or all-thread product makes: none on one core.</summary>
    private static int SplitsPerParallelCall => Environment.ProcessorCount > 1 ? 1 : 0;

    private static void AgreeAcrossThreadCounts(GemmTestCase t, GemmCall call, string implementation)
    {
        float[] one = Run(t with { Threads = 1 }, call, implementation, checkAgainstNaive: true);
        float[] two = Run(t with { Threads = 2 }, call, implementation, checkAgainstNaive: false);
        float[] all = Run(t with { Threads = -1 }, call, implementation, checkAgainstNaive: false);
        GemmAssert.BitIdentical(one, two, $"{implementation}, 2 threads vs 1, case {t}");
        GemmAssert.BitIdentical(one, all, $"{implementation}, all threads vs 1, case {t}");
    }

    private static float[] Run(GemmTestCase t, GemmCall call, string implementation, bool checkAgainstNaive)
    {
        var x = GemmTestMatrices.Create(t);
        float[]? want = checkAgainstNaive ? x.Expected() : null;
        long splitBefore = WorkerPool.SplitJobs;
        call(x.A, t.Lda, t.TransposeA, x.B, t.Ldb, t.TransposeB, x.C, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);
        long splits = WorkerPool.SplitJobs - splitBefore;
        Assert.True(
            splits == (t.Threads == 1 ? 0 : SplitsPerParallelCall),
            $"{implementation}, case {t}: {splits} dispatches to the worker pool on {Environment.ProcessorCount} cores; the work was not split as asked.");
        if (want is not null)
        {
            GemmAssert.MatchesExpected(x, want, implementation);
        }

        return x.C;
    }
}
