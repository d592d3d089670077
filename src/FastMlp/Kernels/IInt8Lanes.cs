// The instructions of one int8 multiply-accumulate step, per ISA, for Int8Gemm's one generic tile loop: for a
// group of 4 consecutive depths, TInt holds Columns int32 accumulators (one per output column) and the packed
// weights of those columns (4 bytes each, the group's 4 depths of one column, Int8Weights' layout); the
// activation's 4 bytes are broadcast to every column as |q| (Magnitudes) and their signs (Signs), so that
// acc[j] += Σ_{t<4} |q_t| · (sign(q_t) · w[t, j]) = Σ_t q_t · w[t, j], exact in int32 (no saturation anywhere:
// |q_t| ≤ 127, so a pair of products is at most 2·127² = 32,258, inside int16).
namespace FastMlp;

internal unsafe interface IInt8Lanes<TInt, TSign>
    where TInt : struct
    where TSign : struct
{
    /// <summary>Output columns per register (int32 lanes).</summary>
    static abstract int Columns { get; }

    /// <summary>|q| of the 4 activation bytes in <paramref name="quad"/>, broadcast to every column.</summary>
    static abstract TInt Magnitudes(int quad);

    /// <summary>What MultiplyAdd needs of the 4 bytes' signs (a negative mask, or the bytes themselves for vpsignb).</summary>
    static abstract TSign Signs(int quad);

    /// <summary>Columns packed weight quads from <paramref name="source"/>.</summary>
    static abstract TInt Load(sbyte* source);

    /// <summary>acc + Σ over the group of q · w, per column: |q| times the weights with q's signs applied.</summary>
    static abstract TInt MultiplyAdd(TInt acc, TInt magnitudes, TSign signs, TInt weights);

    /// <summary>acc + Σ over the group of q · w, per column, for 4 bytes known non-negative (q = |q|).</summary>
    static abstract TInt MultiplyAddNonNegative(TInt acc, TInt magnitudes, TInt weights);

    /// <summary>The accumulators as they are (the integer core, for tests).</summary>
    static abstract void Store(int* destination, TInt acc);

    /// <summary>
    /// z[j] = float(acc[j]) · (rowScale · columnScales[j]) for the first min(left, Columns) columns (left ≥ 1).
    /// </summary>
    static abstract void Store(float* destination, TInt acc, float rowScale, float* columnScales, int left);
}
