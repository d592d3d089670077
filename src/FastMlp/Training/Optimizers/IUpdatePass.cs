// How an optimizer's update reaches the parameters: an optimizer picks its rule for the step and its state
// buffers once, in one place, and hands them to a pass; the pass applies the rule to every parameter and
// returns the magnitudes it wrote, which the optimizer records. The flat pass (FlatUpdatePass) runs the rule
// over a gradient buffer (UpdateDriver); the fused backward pass (FusedBackward.cs) applies it to each tile of
// dW as the weight-gradient product computes it, so the gradients never go through memory.
namespace FastMlp;

internal interface IUpdatePass
{
    /// <summary>
    /// Applies <paramref name="rule"/> to every parameter, with the state buffers (full length, parallel to the
    /// parameters; empty past TRule.States). Returns max |p| and max |s| per state buffer over the values written.
    /// </summary>
    UpdateMagnitudes Run<TRule>(TRule rule, Span<float> first, Span<float> second)
        where TRule : struct, IUpdateRule;
}

/// <summary>The update over a flat gradient buffer: <see cref="UpdateDriver"/> on the whole span.</summary>
internal readonly ref struct FlatUpdatePass(ReadOnlySpan<float> gradients, Span<float> parameters) : IUpdatePass
{
    private readonly ReadOnlySpan<float> _gradients = gradients;
    private readonly Span<float> _parameters = parameters;

    public UpdateMagnitudes Run<TRule>(TRule rule, Span<float> first, Span<float> second)
        where TRule : struct, IUpdateRule =>
        UpdateDriver.Run(rule, _gradients, first, second, _parameters);
}
