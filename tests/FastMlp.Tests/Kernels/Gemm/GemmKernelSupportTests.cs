// GemmKernelSupportTests: when each micro-kernel must report itself runnable. The properties run
// only the kernels that are supported here (GemmRunners.SupportedKernels), so these tests are what
// stop a kernel from dropping out of every test by wrongly reporting IsSupported = false: on this
// x64 machine, FMA and AVX2 present mean the Vector256 kernel runs and AVX-512F present means the
// Vector512 kernel runs. Under DOTNET_EnableHWIntrinsic=0 or DOTNET_EnableAVX512=0 the
// intrinsics report false and so must the kernels, leaving the scalar (or 256-bit) one proven.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Kernels;

public sealed class GemmKernelSupportTests
{
    [Fact]
    public void Scalar_kernel_is_always_supported()
    {
        Assert.True(GemmKernelScalar.IsSupported);
        Assert.Contains(GemmRunners.SupportedKernels, kernel => kernel.Name == nameof(GemmKernelScalar));
    }

    [Fact]
    public void Avx2_kernel_is_supported_exactly_when_FMA_and_AVX2_are()
    {
        // Its masks are built with 256-bit integer compares (AVX2) and its steps are FMA3.
        Assert.Equal(Fma.IsSupported && Avx2.IsSupported, GemmKernelSimd<GemmLanes256, Vector256<float>>.IsSupported);
    }

    [Fact]
    public void Avx512_kernel_is_supported_exactly_when_AVX512F_is()
    {
        Assert.Equal(Avx512F.IsSupported, GemmKernelSimd<GemmLanes512, Vector512<float>>.IsSupported);
    }

    [Fact]
    public void Every_kernel_has_a_positive_register_tile_and_distinct_name()
    {
        // The edge sweep walks m over 0..2·MR+1 and n over 0..2·NR+1: a zero tile would sweep nothing.
        Assert.All(GemmRunners.AllKernels, kernel => Assert.True(kernel.MR > 0 && kernel.NR > 0, $"{kernel.Name}: {kernel.MR}×{kernel.NR}"));
        Assert.Equal(GemmRunners.AllKernels.Count, GemmRunners.AllKernels.Select(kernel => kernel.Name).Distinct().Count());
    }
}
