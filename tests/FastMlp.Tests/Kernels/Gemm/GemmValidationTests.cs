// GemmValidationTests: bad input at the GEMM boundary (DESIGN.md section 2) throws ArgumentException
// or ArgumentOutOfRangeException naming the argument, with the sizes involved in the message, and
// writes nothing: C (or the whole shared buffer) is compared bit for bit before and after. Each test
// breaks exactly one thing in an otherwise valid 13×17×19 product, for every transpose pair and for
// every implementation (the internal Multiply<TKernel> promises the same validation). Spans are
// exactly as long as the contract requires ((rows − 1)·ld + cols, no padding after the last row), so
// "one element too short" is exact, and such spans and disjoint slices of one array must be accepted.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

public sealed class GemmValidationTests
{
    private const int M = 13, N = 17, K = 19;

    public static TheoryData<string> Implementations => GemmRunners.ImplementationNames;

    public static TheoryData<string, bool, bool> ImplementationsAndTransposes
    {
        get
        {
            var rows = new TheoryData<string, bool, bool>();
            foreach (string implementation in GemmRunners.Implementations.Keys)
            {
                foreach ((bool transposeA, bool transposeB) in GemmTestCase.TransposePairs)
                {
                    rows.Add(implementation, transposeA, transposeB);
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Negative_sizes_throw_ArgumentOutOfRangeException(string implementation)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        Operands x = Operands.Valid(false, false);
        ExpectThrow(() => call(x.A, x.Lda, false, x.B, x.Ldb, false, x.C, x.Ldc, -1, N, K, 1f, 0f, 1), x.C, outOfRange: true, "m", "-1");
        ExpectThrow(() => call(x.A, x.Lda, false, x.B, x.Ldb, false, x.C, x.Ldc, M, -1, K, 1f, 0f, 1), x.C, outOfRange: true, "n", "-1");
        ExpectThrow(() => call(x.A, x.Lda, false, x.B, x.Ldb, false, x.C, x.Ldc, M, N, -1, 1f, 0f, 1), x.C, outOfRange: true, "k", "-1");
        ExpectThrow(() => call(x.A, x.Lda, false, x.B, x.Ldb, false, x.C, x.Ldc, M, N, int.MinValue, 1f, 0f, 1), x.C, outOfRange: true, "k", int.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(ImplementationsAndTransposes))]
    public void Leading_dimension_below_the_stored_row_width_throws(string implementation, bool transposeA, bool transposeB)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        Operands x = Operands.Valid(transposeA, transposeB);
        int widthA = transposeA ? M : K, widthB = transposeB ? K : N;
        ExpectThrow(() => call(x.A, widthA - 1, transposeA, x.B, x.Ldb, transposeB, x.C, x.Ldc, M, N, K, 1f, 0f, 1), x.C, outOfRange: false, "lda", Text(widthA - 1), Text(widthA));
        ExpectThrow(() => call(x.A, x.Lda, transposeA, x.B, widthB - 1, transposeB, x.C, x.Ldc, M, N, K, 1f, 0f, 1), x.C, outOfRange: false, "ldb", Text(widthB - 1), Text(widthB));
        ExpectThrow(() => call(x.A, x.Lda, transposeA, x.B, x.Ldb, transposeB, x.C, N - 1, M, N, K, 1f, 0f, 1), x.C, outOfRange: false, "ldc", Text(N - 1), Text(N));
    }

    [Theory]
    [MemberData(nameof(ImplementationsAndTransposes))]
    public void Span_one_element_too_short_throws(string implementation, bool transposeA, bool transposeB)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        Operands x = Operands.Valid(transposeA, transposeB);
        float[] shortA = x.A[..^1], shortB = x.B[..^1], shortC = x.C[..^1];
        ExpectThrow(() => call(shortA, x.Lda, transposeA, x.B, x.Ldb, transposeB, x.C, x.Ldc, M, N, K, 1f, 0f, 1), x.C, outOfRange: false, "a", Text(x.A.Length - 1), Text(x.A.Length));
        ExpectThrow(() => call(x.A, x.Lda, transposeA, shortB, x.Ldb, transposeB, x.C, x.Ldc, M, N, K, 1f, 0f, 1), x.C, outOfRange: false, "b", Text(x.B.Length - 1), Text(x.B.Length));
        ExpectThrow(() => call(x.A, x.Lda, transposeA, x.B, x.Ldb, transposeB, shortC, x.Ldc, M, N, K, 1f, 0f, 1), shortC, outOfRange: false, "c", Text(x.C.Length - 1), Text(x.C.Length));
    }

    [Theory]
    [MemberData(nameof(ImplementationsAndTransposes))]
    public void Spans_exactly_as_long_as_the_shape_needs_are_accepted(string implementation, bool transposeA, bool transposeB)
    {
        // No padding is required after the last row of any operand; the result must be right too.
        var t = new GemmTestCase(M, N, K, transposeA, transposeB, 2, 3, 1, 1f, 0.5f, GemmData.SmallIntegers, 7);
        GemmCheck.MatchesNaive(t, GemmRunners.Implementations[implementation], implementation);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Max_degree_of_parallelism_zero_or_below_minus_one_throws(string implementation)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        Operands x = Operands.Valid(false, false);
        foreach (int threads in new[] { 0, -2, int.MinValue })
        {
            ExpectThrow(() => call(x.A, x.Lda, false, x.B, x.Ldb, false, x.C, x.Ldc, M, N, K, 1f, 0f, threads), x.C, outOfRange: true, "maxDegreeOfParallelism", Text(threads));
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Max_degree_of_parallelism_above_the_core_count_is_accepted(string implementation)
    {
        // A cap, not a demand: asking for more threads than cores is legal and changes nothing.
        var t = new GemmTestCase(M, N, K, false, true, 0, 0, 0, 1f, 0f, GemmData.SmallIntegers, 8, Threads: 1024);
        GemmCheck.MatchesNaive(t, GemmRunners.Implementations[implementation], implementation);
    }

    [Theory]
    [MemberData(nameof(ImplementationsAndTransposes))]
    public void C_overlapping_A_or_B_throws_and_writes_nothing(string implementation, bool transposeA, bool transposeB)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        Operands x = Operands.Valid(transposeA, transposeB);
        int lengthA = x.A.Length, lengthB = x.B.Length, lengthC = x.C.Length;

        // C's first element is A's (or B's) last, C's last element is A's (or B's) first, or both start together.
        foreach (int offsetC in new[] { lengthA - 1, 0 })
        {
            int offsetA = offsetC == 0 ? lengthC - 1 : 0;
            float[] shared = Buffer(Math.Max(offsetA + lengthA, offsetC + lengthC));
            ExpectThrow(
                () => call(shared.AsSpan(offsetA, lengthA), x.Lda, transposeA, x.B, x.Ldb, transposeB, shared.AsSpan(offsetC, lengthC), x.Ldc, M, N, K, 1f, 0f, 1),
                shared, outOfRange: false, "c");
        }

        foreach (int offsetC in new[] { lengthB - 1, 0 })
        {
            int offsetB = offsetC == 0 ? lengthC - 1 : 0;
            float[] shared = Buffer(Math.Max(offsetB + lengthB, offsetC + lengthC));
            ExpectThrow(
                () => call(x.A, x.Lda, transposeA, shared.AsSpan(offsetB, lengthB), x.Ldb, transposeB, shared.AsSpan(offsetC, lengthC), x.Ldc, M, N, K, 1f, 0f, 1),
                shared, outOfRange: false, "c");
        }

        float[] same = Buffer(Math.Max(lengthA, lengthC));
        ExpectThrow(
            () => call(same.AsSpan(0, lengthA), x.Lda, transposeA, x.B, x.Ldb, transposeB, same.AsSpan(0, lengthC), x.Ldc, M, N, K, 1f, 0f, 1),
            same, outOfRange: false, "c");
    }

    [Theory]
    [MemberData(nameof(ImplementationsAndTransposes))]
    public void Adjacent_slices_of_one_array_are_accepted(string implementation, bool transposeA, bool transposeB)
    {
        GemmCall call = GemmRunners.Implementations[implementation];
        var t = new GemmTestCase(M, N, K, transposeA, transposeB, 1, 2, 3, 2f, -1f, GemmData.SmallIntegers, 9);
        var x = GemmTestMatrices.Create(t);
        float[] want = x.Expected();

        // [C | A | B] and [A | B | C], touching but not overlapping.
        foreach (bool cFirst in new[] { true, false })
        {
            float[] shared = cFirst ? [.. x.InitialC, .. x.A, .. x.B] : [.. x.A, .. x.B, .. x.InitialC];
            int offsetC = cFirst ? 0 : x.A.Length + x.B.Length, offsetA = cFirst ? x.C.Length : 0;
            call(
                shared.AsSpan(offsetA, x.A.Length), t.Lda, t.TransposeA, shared.AsSpan(offsetA + x.A.Length, x.B.Length), t.Ldb, t.TransposeB,
                shared.AsSpan(offsetC, x.C.Length), t.Ldc, t.M, t.N, t.K, t.Alpha, t.Beta, 1);
            shared.AsSpan(offsetC, x.C.Length).CopyTo(x.C);
            GemmAssert.MatchesExpected(x, want, $"{implementation}, {(cFirst ? "[C | A | B]" : "[A | B | C]")}");
        }
    }

    [Fact]
    public void Contiguous_overload_validates_sizes_spans_and_threads()
    {
        float[] a = new float[M * K], b = new float[K * N], c = Buffer(M * N);
        ExpectThrow(() => Gemm.Multiply(a, b, c, -1, N, K), c, outOfRange: true, "m", "-1");
        ExpectThrow(() => Gemm.Multiply(a, b, c, M, -1, K), c, outOfRange: true, "n", "-1");
        ExpectThrow(() => Gemm.Multiply(a, b, c, M, N, -1), c, outOfRange: true, "k", "-1");
        ExpectThrow(() => Gemm.Multiply(a.AsSpan(..^1), b, c, M, N, K), c, outOfRange: false, "a", Text((M * K) - 1), Text(M * K));
        ExpectThrow(() => Gemm.Multiply(a, b.AsSpan(..^1), c, M, N, K, transposeB: true), c, outOfRange: false, "b", Text((K * N) - 1), Text(K * N));
        float[] shortC = c[..^1];
        ExpectThrow(() => Gemm.Multiply(a, b, shortC, M, N, K, transposeA: true), shortC, outOfRange: false, "c", Text((M * N) - 1), Text(M * N));
        ExpectThrow(() => Gemm.Multiply(a, b, c, M, N, K, maxDegreeOfParallelism: 0), c, outOfRange: true, "maxDegreeOfParallelism", "0");
        ExpectThrow(() => Gemm.Multiply(a, b, c, M, N, K, maxDegreeOfParallelism: -2), c, outOfRange: true, "maxDegreeOfParallelism", "-2");
        float[] shared = Buffer((M * K) + (M * N) - 1);
        ExpectThrow(() => Gemm.Multiply(shared.AsSpan(0, M * K), b, shared.AsSpan((M * K) - 1, M * N), M, N, K), shared, outOfRange: false, "c");
    }

    /// <summary>
    /// Runs the call, which must throw ArgumentException (exactly ArgumentOutOfRangeException when
    /// <paramref name="outOfRange"/>) naming <paramref name="paramName"/> with every one of
    /// <paramref name="inMessage"/> in its message, and must leave <paramref name="destination"/> as it was.
    /// </summary>
    private static void ExpectThrow(Action call, float[] destination, bool outOfRange, string paramName, params string[] inMessage)
    {
        float[] before = (float[])destination.Clone();
        ArgumentException e = outOfRange ? Assert.Throws<ArgumentOutOfRangeException>(call) : Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(paramName, e.ParamName);
        foreach (string text in inMessage)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        GemmAssert.BitIdentical(before, destination, $"destination after {e.GetType().Name} for {paramName}");
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Distinct finite values, so any write shows.</summary>
    private static float[] Buffer(int length)
    {
        float[] x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (i % 97) - 48.5f;
        }

        return x;
    }

    /// <summary>Valid M×N×K operands with 2, 3 and 1 elements of row padding, each exactly as long as required.</summary>
    private sealed record Operands(float[] A, int Lda, float[] B, int Ldb, float[] C, int Ldc)
    {
        public static Operands Valid(bool transposeA, bool transposeB)
        {
            int lda = (transposeA ? M : K) + 2, ldb = (transposeB ? K : N) + 3, ldc = N + 1;
            return new Operands(
                Buffer(GemmTestMatrices.StoredLength(transposeA ? K : M, lda - 2, lda)), lda,
                Buffer(GemmTestMatrices.StoredLength(transposeB ? N : K, ldb - 3, ldb)), ldb,
                Buffer(GemmTestMatrices.StoredLength(M, N, ldc)), ldc);
        }
    }
}
