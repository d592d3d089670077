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
    // Square sizes past the threshold, tall-skinny shapes (few column panels: the workers split the rows),
    // short-wide ones (many panels: they split the columns) and a batch-of-2 MLP layer; B is read in place
    // (no ldb here is a multiple of 1024 floats), or packed when transposed.
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
        // Small blocks give each worker's share many ic, pc and jc blocks, with B read in place or, transposed,
        // packed per 37×64 block.
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        GemmCall call = kernel.With(new GemmBlocking(MC: 24, KC: 37, NC: 64));
        string name = $"{kernel.Name} with MC 24, KC 37, NC 64";
        AgreeAcrossThreadCounts(new GemmTestCase(300, 300, 300, false, false, 0, 0, 0, 1f, 0f, GemmData.Uniform, 1), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(301, 299, 200, true, true, 2, 1, 3, -1f, 0.5f, GemmData.Uniform, 2), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(20, 1200, 400, false, false, 1, 1, 1, 1f, 1f, GemmData.Uniform, 3), call, name);
        AgreeAcrossThreadCounts(new GemmTestCase(20, 1200, 400, true, true, 0, 0, 0, 2f, 0f, GemmData.Uniform, 4), call, name);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Column_and_row_splits_of_the_tile_path_are_bit_identical_to_one_thread(string kernelName)
    {
        // Two workers split C by whole NR-column panels when the panels share evenly (2, 8) or number at least
        // four per worker (9), else by MR-row panels (1, 3, 5). n = panels·NR, and panels·NR − 1 for a ragged
        // last panel; 25 rows are five panels of MR rows or more; k makes m·n·k pass two workers' worth of
        // work. Uniform data, so a row or column dropped, or summed twice with beta = 0.5, shows.
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        GemmCall call = kernel.With(GemmBlocking.Default);
        const int m = 25;
        int seed = 0;
        foreach (int panels in new[] { 1, 2, 3, 5, 8, 9 })
        {
            foreach (int n in new[] { panels * kernel.NR, (panels * kernel.NR) - 1 })
            {
                int k = (int)(2 * GemmBlocking.MinMultiplyAddsPerWorker / (m * n)) + 1;
                AgreeOnEveryTransposePair(m, n, k, call, $"{kernel.Name} default blocking", ref seed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Single_row_products_are_bit_identical_to_one_thread(string kernelName)
    {
        // m = 1 past two workers' worth of work: the row path (each worker gathers its own copy of a transposed
        // A), the dot path (transposed B) and, with both transposed, the tile path's column split.
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        int seed = 0;
        AgreeOnEveryTransposePair(1, 1024, 1100, kernel.With(GemmBlocking.Default), $"{kernel.Name} default blocking", ref seed);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Single_row_products_of_the_w3_network_split_at_its_first_layer_only(string kernelName)
    {
        // A GEMV is bound by reading B: the W3 first layer at batch 1 (1×256×784, 200,704 elements) is split, the
        // second (1×128×256, 32,768) is not, on every path (row, dot, gathered A, tile).
        IGemmKernelRunner kernel = GemmRunners.Kernel(kernelName);
        GemmCall call = kernel.With(GemmBlocking.Default);
        int seed = 0;
        AgreeOnEveryTransposePair(1, 256, 784, call, $"{kernel.Name} default blocking", ref seed);
        foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
        {
            var x = GemmTestMatrices.Create(new GemmTestCase(1, 128, 256, transposeA, transposeB, 0, 0, 0, 1f, 0f, GemmData.Uniform, seed++) with { Threads = 2 });
            long splitBefore = WorkerPool.SplitJobs;
            GemmCheck.Call(x, call, kernel.Name);
            Assert.True(WorkerPool.SplitJobs == splitBefore, $"{kernel.Name}: 1×128×256 (transposeA {transposeA}, transposeB {transposeB}) was split; its B is below two workers' worth.");
        }
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

    /// <summary>Every transpose pair, contiguous with beta = 0 on a NaN-filled C, then padded with alpha = -1 and beta = 0.5.</summary>
    private static void AgreeOnEveryTransposePair(int m, int n, int k, GemmCall call, string implementation, ref int seed)
    {
        foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
        {
            AgreeAcrossThreadCounts(new GemmTestCase(m, n, k, transposeA, transposeB, 0, 0, 0, 1f, 0f, GemmData.Uniform, seed++), call, implementation);
            AgreeAcrossThreadCounts(new GemmTestCase(m, n, k, transposeA, transposeB, 2, 1, 3, -1f, 0.5f, GemmData.Uniform, seed++), call, implementation);
        }
    }

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
        GemmCheck.Call(x, call, implementation);
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
