// GemmTestCase: one GEMM problem as a plain value (shape, transposes, stride padding, scalars, data
// kind and seed), so FsCheck can generate and shrink it and a failure prints everything needed to
// replay it. The matrices themselves are derived from the value by GemmTestMatrices.
namespace FastMlp.Tests.Infrastructure;

/// <summary>What the matrices of a case are filled with.</summary>
internal enum GemmData
{
    /// <summary>Integers in -3..3: every product, sum and scaling by alpha/beta in {0, ±1, 2, 0.5} is exact in float.</summary>
    SmallIntegers,

    /// <summary>Uniform floats in [-1, 1]: rounding happens, so results are compared within GemmTolerance.</summary>
    Uniform,
}

/// <summary>
/// C (M×N) = Alpha · op(A) · op(B) + Beta · C with each leading dimension the stored row width plus a
/// padding of PadA/PadB/PadC elements. Threads is the maxDegreeOfParallelism passed to the call.
/// </summary>
internal sealed record GemmTestCase(
    int M, int N, int K,
    bool TransposeA, bool TransposeB,
    int PadA, int PadB, int PadC,
    float Alpha, float Beta,
    GemmData Data, int Seed,
    int Threads = 1)
{
    /// <summary>A is stored M×K, or K×M when transposed.</summary>
    public int RowsA => TransposeA ? K : M;

    public int ColumnsA => TransposeA ? M : K;

    /// <summary>B is stored K×N, or N×K when transposed.</summary>
    public int RowsB => TransposeB ? N : K;

    public int ColumnsB => TransposeB ? K : N;

    public int Lda => ColumnsA + PadA;

    public int Ldb => ColumnsB + PadB;

    public int Ldc => N + PadC;

    /// <summary>(transposeA, transposeB): all four storage combinations.</summary>
    public static IReadOnlyList<(bool TransposeA, bool TransposeB)> TransposePairs { get; } = [(false, false), (false, true), (true, false), (true, true)];

    /// <summary>Small integers only stay exact when the scalars are; the generators keep to these for that data.</summary>
    public static IReadOnlyList<float> ExactScalars { get; } = [0f, 1f, -1f, 2f, 0.5f];
}
