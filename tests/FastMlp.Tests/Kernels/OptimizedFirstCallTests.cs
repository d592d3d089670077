// OptimizedFirstCallTests: the loop kernels a training step or a prediction runs are compiled optimized on their
// first call (MethodImplOptions.AggressiveOptimization) instead of running tier-0 code, and OSR for their loops,
// through the first seconds of a process (Elementwise.cs and README "Warm-up" give the measurements). A kernel that
// loses the attribute in a refactoring fails here, by name; the orchestration around them is left to tiered PGO.
using System.Reflection;

namespace FastMlp.Tests.Kernels;

public sealed class OptimizedFirstCallTests
{
    public static TheoryData<string, string> Kernels => new()
    {
        { "FastMlp.Gemm+RowPath`1", "Invoke" },
        { "FastMlp.Gemm+DotPath", "Invoke" },
        { "FastMlp.Gemm+TilePath`1", "Invoke" },
        { "FastMlp.Gemm", "RunTiny" },
        { "FastMlp.Gemm", "PackBPanel" },
        { "FastMlp.GemmKernelSimd`2", "Run" },
        { "FastMlp.GemmKernelSimd`2", "RunNarrow" },
        { "FastMlp.GemmKernelSimd`2", "RunRow" },
        { "FastMlp.Elementwise", "Forward" },
        { "FastMlp.Elementwise", "MultiplyDerivative" },
        { "FastMlp.Rectifier", "Forward" },
        { "FastMlp.Softmax", "InSpans" },
        { "FastMlp.Softmax", "InRegister" },
        { "FastMlp.Softmax", "Backward" },
        { "FastMlp.LossFunctions", "CrossEntropy" },
        { "FastMlp.LossFunctions", "SquaredError" },
        { "FastMlp.MaxAbsolute", "OrNaN" },
        { "FastMlp.UpdateDriver", "Loop" },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_loop_kernel_is_compiled_optimized_on_its_first_call(string typeName, string methodName)
    {
        Type type = typeof(Network).Assembly.GetType(typeName, throwOnError: true)!;
        MethodInfo[] overloads = [.. type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name == methodName)];
        Assert.NotEmpty(overloads);

        // The generic body where one exists (the loop), else every overload: a dispatching overload may stay tiered.
        MethodInfo[] bodies = overloads.Any(m => m.IsGenericMethodDefinition) ? [.. overloads.Where(m => m.IsGenericMethodDefinition)] : overloads;
        foreach (MethodInfo method in bodies)
        {
            Assert.True(
                method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization),
                $"{typeName}.{method} is not AggressiveOptimization: it would start as tier-0 code.");
        }
    }
}
