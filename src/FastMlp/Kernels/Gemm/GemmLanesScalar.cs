// IGemmLanes one float wide: the update rules' scalar tail and their path on machines without AVX2 + FMA3.
// Every member is the scalar twin of the vector ones, rounded the same way (MathF.FusedMultiplyAdd, one
// correctly rounded quotient and square root), so an element gets the same bits in any lane of any width.
// A mask is a float whose bits are all set (lane on) or zero (lane off).
using System.Runtime.CompilerServices;

namespace FastMlp;

internal readonly unsafe struct GemmLanesScalar : IGemmLanes<float>
{
    private static readonly float On = BitConverter.UInt32BitsToSingle(uint.MaxValue);

    public static int Count => 1;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WidenLowHalves(float pairs) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(pairs) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WidenHighHalves(float pairs) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(pairs) & 0xFFFF_0000u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source, float mask) => IsOn(mask) ? *source : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, float value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, float value, float mask)
    {
        if (IsOn(mask))
        {
            *destination = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FirstLanes(int count) => count > 0 ? On : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float acc) => MathF.FusedMultiplyAdd(a, b, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    /// <summary>MathF.Exp: not the vectorized exp's bits (no update rule or kernel on these lanes takes e^x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => MathF.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float a, float b) => IsOn(mask) ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float x) => MathF.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxMagnitude(float largest, float x) =>
        BitConverter.UInt32BitsToSingle(Math.Max(BitConverter.SingleToUInt32Bits(largest), Magnitude.Bits(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LargestMagnitude(float largest) => BitConverter.SingleToUInt32Bits(largest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(float value) => value;

    private static bool IsOn(float mask) => BitConverter.SingleToUInt32Bits(mask) != 0;
}
