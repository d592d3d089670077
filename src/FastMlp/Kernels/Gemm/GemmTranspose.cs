// 8×8 in-register transpose (unpack, shuffle, 128-bit permute: 24 shuffles for 64 values) for packing
// a transposed operand: eight strided scalar moves per vector become eight loads and eight stores.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastMlp;

internal static unsafe class GemmTranspose
{
    public static bool IsSupported => Avx.IsSupported;

    /// <summary>dst[c·ldd + r] = src[r·lds + c] for r, c &lt; 8.</summary>
    public static void Block8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + (2 * lds)), r3 = Avx.LoadVector256(src + (3 * lds));
        Vector256<float> r4 = Avx.LoadVector256(src + (4 * lds)), r5 = Avx.LoadVector256(src + (5 * lds));
        Vector256<float> r6 = Avx.LoadVector256(src + (6 * lds)), r7 = Avx.LoadVector256(src + (7 * lds));

        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // Quads: u0 = column 0 of rows 0-3 | column 4 of rows 0-3, ...
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Halves joined: column c of rows 0-3 with column c of rows 4-7.
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
    }
}
