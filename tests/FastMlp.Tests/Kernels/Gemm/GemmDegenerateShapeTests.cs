// GemmDegenerateShapeTests: the shapes and scalars where the BLAS contract says "do little or
// nothing", for every implementation (public entry point; each kernel with default and tiny blocking):
//   - m = 0 or n = 0: nothing is written, not even the padding C may carry;
//   - k = 0: C = beta · C (beta = 0 turns a NaN-filled C into zeros), A and B may be empty spans;
//   - alpha = 0: C = beta · C and A and B are never read (they hold only NaN here).
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

public sealed class GemmDegenerateShapeTests
{
    public static TheoryData<string> Implementations => GemmRunners.ImplementationNames;

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Empty_m_or_n_writes_nothing(string implementation)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        foreach ((int m, int n, int k) in new[] { (0, 5, 3), (3, 0, 5), (0, 0, 0), (0, 0, 4), (0, 17, 0), (6, 0, 0) })
        {
            foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
            {
                // A and B hold only NaN; C is a run of sentinels longer than the (empty) product needs.
                int lda = (transposeA ? m : k) + 1, ldb = (transposeB ? k : n) + 1, ldc = n + 2;
                float[] a = Filled(GemmTestMatrices.StoredLength(transposeA ? k : m, lda - 1, lda), float.NaN);
                float[] b = Filled(GemmTestMatrices.StoredLength(transposeB ? n : k, ldb - 1, ldb), float.NaN);
                float[] c = Filled(7, GemmTestMatrices.PaddingSentinel);

                call(a, lda, transposeA, b, ldb, transposeB, c, ldc, m, n, k, 1f, 0.5f, -1);

                GemmAssert.BitIdentical(Filled(7, GemmTestMatrices.PaddingSentinel), c, $"{implementation}, {m}×{n}×{k}, transposes {transposeA}/{transposeB}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Zero_depth_scales_C_by_beta(string implementation)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        int seed = 0;
        foreach ((int m, int n) in new[] { (1, 1), (3, 5), (7, 17), (13, 40), (64, 33) })
        {
            foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
            {
                foreach (float beta in new[] { 0f, 0.5f, 1f, -1f })
                {
                    // k = 0: A and B are empty, and beta = 0 must turn the NaN-filled C into zeros.
                    var t = new GemmTestCase(m, n, 0, transposeA, transposeB, 1, 2, 3, 1f, beta, GemmData.SmallIntegers, seed++);
                    GemmCheck.MatchesNaive(t, call, implementation);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Zero_alpha_never_reads_A_or_B(string implementation)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        int seed = 0;
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (7, 17, 13), (13, 40, 9), (150, 70, 300) })
        {
            foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
            {
                foreach (float beta in new[] { 0f, 0.5f, 1f, -1f })
                {
                    var t = new GemmTestCase(m, n, k, transposeA, transposeB, 1, 0, 2, 0f, beta, GemmData.SmallIntegers, seed++, Threads: 2);
                    var x = GemmTestMatrices.Create(t);
                    Array.Fill(x.A, float.NaN);
                    Array.Fill(x.B, float.NaN);
                    float[] want = x.Expected();

                    call(x.A, t.Lda, t.TransposeA, x.B, t.Ldb, t.TransposeB, x.C, t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, t.Threads);

                    GemmAssert.MatchesExpected(x, want, implementation);
                }
            }
        }
    }

    private static float[] Filled(int length, float value)
    {
        float[] x = new float[length];
        Array.Fill(x, value);
        return x;
    }
}
