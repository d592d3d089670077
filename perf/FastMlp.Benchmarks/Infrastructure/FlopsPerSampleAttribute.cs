namespace FastMlp.Benchmarks.Infrastructure;

/// <summary>
/// Declares the floating-point operations one sample costs in a benchmark class whose operation handles a
/// batch of <c>B</c> samples (its <c>B</c> parameter; 1 when it has none). <see cref="GflopsColumn"/> then
/// reports FLOPs per sample × B / time per operation instead of W1's 2·M·N·K.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class FlopsPerSampleAttribute(double flops) : Attribute
{
    public double Flops { get; } = flops;
}
