// The vector operations the SIMD kernels need, over one register width: GemmKernelSimd (and the
// one-register softmax, Softmax.cs) is written once against this interface and instantiated for
// Vector512 (AVX-512F) and Vector256 (AVX2 + FMA3). The optimizers' update rules (IUpdateRule) are
// written against it too and run on a third instantiation, one float wide (GemmLanesScalar), for the
// tail of a flat update and machines without either ISA, so one formula gives every element's bits.
// Each member is one instruction (or a fixed short sequence) and is inlined into the kernel, which the
// JIT compiles separately for each struct instantiation: the 6-row Vector512 loop disassembles
// (DOTNET_JitDisasm) to 2 loads, 6 vbroadcastss and 12 vfmadd231ps per depth step, no spills.
namespace FastMlp;

/// <typeparam name="TVector">The register type: Vector512&lt;float&gt; or Vector256&lt;float&gt;.</typeparam>
internal unsafe interface IGemmLanes<TVector>
    where TVector : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine (and the JIT's current ISA settings) runs these instructions.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>A full, unaligned load.</summary>
    static abstract TVector Load(float* source);

    /// <summary>The float each lane's low 16 bits hold as a bfloat16 (the lane's bits shifted left 16).</summary>
    static abstract TVector WidenLowHalves(TVector pairs);

    /// <summary>The float each lane's high 16 bits hold as a bfloat16 (the lane's low 16 bits cleared).</summary>
    static abstract TVector WidenHighHalves(TVector pairs);

    /// <summary>The lanes of <paramref name="mask"/> from <paramref name="source"/>, zero elsewhere; masked lanes are not read (no fault past an end).</summary>
    static abstract TVector Load(float* source, TVector mask);

    /// <summary>A full, unaligned store.</summary>
    static abstract void Store(float* destination, TVector value);

    /// <summary>The lanes of <paramref name="mask"/> only; the others are not written.</summary>
    static abstract void Store(float* destination, TVector value, TVector mask);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>Lanes 0 to <paramref name="count"/> − 1 set, the rest clear (0 ≤ count ≤ Count).</summary>
    static abstract TVector FirstLanes(int count);

    /// <summary>acc + a · b with one rounding.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector acc);

    /// <summary>a · b.</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>a + b.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>a − b.</summary>
    static abstract TVector Subtract(TVector a, TVector b);

    /// <summary>a / b.</summary>
    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>e^x per lane (the runtime's vectorized exp, the one TensorPrimitives.Exp runs).</summary>
    static abstract TVector Exp(TVector x);

    /// <summary>The lanes of <paramref name="mask"/> from <paramref name="a"/>, the others from <paramref name="b"/>.</summary>
    static abstract TVector Select(TVector mask, TVector a, TVector b);

    /// <summary>√x per lane, correctly rounded.</summary>
    static abstract TVector Sqrt(TVector x);

    /// <summary>
    /// Lane by lane the larger of <paramref name="largest"/> and the bits of |x| (Magnitude): an integer max over the
    /// bit patterns, so a NaN or an infinity is never lost. Start from zero; read with <see cref="LargestMagnitude"/>.
    /// </summary>
    static abstract TVector MaxMagnitude(TVector largest, TVector x);

    /// <summary>The largest lane of a <see cref="MaxMagnitude"/> accumulator, as Magnitude bits.</summary>
    static abstract uint LargestMagnitude(TVector largest);

    /// <summary>The largest lane (NaN when a lane is NaN).</summary>
    static abstract float MaxAcross(TVector value);

    /// <summary>The sum of the lanes.</summary>
    static abstract float SumAcross(TVector value);
}
