// The two instantiations of the SIMD micro-kernel that Gemm.Multiply picks from by ISA, named once for
// the library (tests and benchmarks spell them out, since a global alias stays inside its assembly).
global using GemmKernelAvx2 = FastMlp.GemmKernelSimd<FastMlp.GemmLanes256, System.Runtime.Intrinsics.Vector256<float>>;
global using GemmKernelAvx512 = FastMlp.GemmKernelSimd<FastMlp.GemmLanes512, System.Runtime.Intrinsics.Vector512<float>>;
