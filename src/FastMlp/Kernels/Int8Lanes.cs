// IInt8Lanes for each ISA. AVX-512BW has no 512-bit vpsignb, so the signs are a byte mask m (q < 0: all ones) made
// once per group and applied as (w ^ m) − m (the same mask serves every column); AVX2 applies them with
// vpsignb. Both then multiply |q| (u8) by the signed weights (s8) with vpmaddubsw, pair sums in int16 without
// saturation, and widen with vpmaddwd by ones into the int32 accumulators. AVX-VNNI does the multiply, the pair
// sums and the accumulation in one vpdpbusd on the same operands (u8 × s8 → s32, no saturation). The scalar
// lanes hold one column and the 4 activation bytes as they are.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal readonly unsafe struct Int8Lanes512 : IInt8Lanes<Vector512<int>, Vector512<sbyte>>
{
    public static int Columns => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Magnitudes(int quad) => Vector512.Abs(Vector512.Create(quad).AsSByte()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Signs(int quad) => Vector512.LessThan(Vector512.Create(quad).AsSByte(), Vector512<sbyte>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Load(sbyte* source) => Vector512.Load((int*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAdd(Vector512<int> acc, Vector512<int> magnitudes, Vector512<sbyte> signs, Vector512<int> weights)
    {
        Vector512<sbyte> w = weights.AsSByte();
        return MultiplyAddNonNegative(acc, magnitudes, ((w ^ signs) - signs).AsInt32());   // −w where the mask is all ones
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddNonNegative(Vector512<int> acc, Vector512<int> magnitudes, Vector512<int> weights) =>
        acc + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(magnitudes.AsByte(), weights.AsSByte()), Vector512<short>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* destination, Vector512<int> acc) => Vector512.Store(acc, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<int> acc, float rowScale, float* columnScales, int left)
    {
        Vector512<float> z = Vector512.ConvertToSingle(acc) * (Vector512.Create(rowScale) * Vector512.Load(columnScales));
        if (left >= Columns)
        {
            GemmLanes512.Store(destination, z);
        }
        else
        {
            GemmLanes512.Store(destination, z, GemmLanes512.FirstLanes(left));
        }
    }
}

internal readonly unsafe struct Int8Lanes256 : IInt8Lanes<Vector256<int>, Vector256<sbyte>>
{
    public static int Columns => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Magnitudes(int quad) => Avx2.Abs(Vector256.Create(quad).AsSByte()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Signs(int quad) => Vector256.Create(quad).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(sbyte* source) => Vector256.Load((int*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd(Vector256<int> acc, Vector256<int> magnitudes, Vector256<sbyte> signs, Vector256<int> weights) =>
        MultiplyAddNonNegative(acc, magnitudes, Avx2.Sign(weights.AsSByte(), signs).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddNonNegative(Vector256<int> acc, Vector256<int> magnitudes, Vector256<int> weights) =>
        acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitudes.AsByte(), weights.AsSByte()), Vector256<short>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* destination, Vector256<int> acc) => Vector256.Store(acc, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<int> acc, float rowScale, float* columnScales, int left)
    {
        Vector256<float> z = Vector256.ConvertToSingle(acc) * (Vector256.Create(rowScale) * Vector256.Load(columnScales));
        if (left >= Columns)
        {
            GemmLanes256.Store(destination, z);
        }
        else
        {
            GemmLanes256.Store(destination, z, GemmLanes256.FirstLanes(left));
        }
    }
}

/// <summary>Int8Lanes256 with the multiply and both sums in one vpdpbusd (AVX-VNNI); everything else is Int8Lanes256's.</summary>
internal readonly unsafe struct Int8LanesVnni : IInt8Lanes<Vector256<int>, Vector256<sbyte>>
{
    public static int Columns => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Magnitudes(int quad) => Int8Lanes256.Magnitudes(quad);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Signs(int quad) => Int8Lanes256.Signs(quad);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(sbyte* source) => Int8Lanes256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd(Vector256<int> acc, Vector256<int> magnitudes, Vector256<sbyte> signs, Vector256<int> weights) =>
        MultiplyAddNonNegative(acc, magnitudes, Avx2.Sign(weights.AsSByte(), signs).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddNonNegative(Vector256<int> acc, Vector256<int> magnitudes, Vector256<int> weights) =>
        AvxVnni.MultiplyWideningAndAdd(acc, magnitudes.AsByte(), weights.AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* destination, Vector256<int> acc) => Int8Lanes256.Store(destination, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<int> acc, float rowScale, float* columnScales, int left) =>
        Int8Lanes256.Store(destination, acc, rowScale, columnScales, left);
}

internal readonly unsafe struct Int8LanesScalar : IInt8Lanes<int, int>
{
    public static int Columns => 1;

    public static int Magnitudes(int quad) => quad;

    public static int Signs(int quad) => quad;

    public static int Load(sbyte* source) => *(int*)source;

    public static int MultiplyAdd(int acc, int magnitudes, int signs, int weights)
    {
        for (int t = 0; t < 4; t++)
        {
            acc += (sbyte)(magnitudes >> (8 * t)) * (sbyte)(weights >> (8 * t));
        }

        return acc;
    }

    public static int MultiplyAddNonNegative(int acc, int magnitudes, int weights) => MultiplyAdd(acc, magnitudes, magnitudes, weights);

    public static void Store(int* destination, int acc) => *destination = acc;

    public static void Store(float* destination, int acc, float rowScale, float* columnScales, int left) =>
        *destination = acc * (rowScale * *columnScales);
}
