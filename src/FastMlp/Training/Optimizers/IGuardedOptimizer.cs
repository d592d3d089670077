// The built-in optimizers' part in Trainer.Step's update guard (Trainer.Update.cs) and in binding their
// state to the parameters it serves (OptimizerState). Before anything is written, the guard asks the
// optimizer whether the update provably keeps every value finite, from bounds: |g| from the layers'
// inputs and deltas, |p| from what the last update wrote, |state| from the state's own magnitudes. Each
// optimizer bounds every quantity its kernel computes (each intermediate, the new state, the new
// parameters) in double by the triangle inequality; a real bound b on a quantity means its float value,
// after at most a dozen roundings of relative error 2⁻²⁴ each, is below 2·b, so b < Limit = MaxValue / 2
// proves it finite. Without the proof the guard saves the state, updates, and restores on a non-finite value.
namespace FastMlp;

internal interface IGuardedOptimizer : IOptimizer
{
    /// <summary>A quantity whose real bound is below this is finite as computed in float.</summary>
    const double Limit = float.MaxValue / 2.0;

    /// <summary>Whether every state value is finite.</summary>
    bool StateFinite { get; }

    /// <summary>Binds the state (if any) to the network's parameter buffer; see OptimizerState.</summary>
    /// <exception cref="InvalidOperationException">The state belongs to another parameter buffer.</exception>
    void Bind(PinnedFloats parameters);

    /// <summary>
    /// Whether a Step whose gradients all have |g| ≤ <paramref name="maxGradient"/>, on parameters that all have
    /// |p| ≤ <paramref name="maxParameter"/>, leaves every parameter and state value finite however it rounds,
    /// given the state's current magnitudes. False when a bound is NaN or infinite.
    /// </summary>
    bool Bounded(double maxGradient, double maxParameter);

    /// <summary>The Step, on the buffer Bind was given, without argument checks; returns max |p| after it (+∞ or NaN if one is not finite).</summary>
    float Update(ReadOnlySpan<float> gradients, Span<float> parameters);

    /// <summary>
    /// The Step through <paramref name="pass"/> (the fused backward pass, FusedBackward.cs): the pass runs once with
    /// this step's rule and the state buffers bound to the network's parameters, and the optimizer records what it
    /// wrote, as after <see cref="Update(ReadOnlySpan{float}, Span{float})"/>. Returns max |p| after it.
    /// </summary>
    float Update<TPass>(ref TPass pass)
        where TPass : struct, IUpdatePass, allows ref struct;

    /// <summary>Copies the state aside (allocating the copy the first time).</summary>
    void SaveState();

    /// <summary>Puts back the state <see cref="SaveState"/> copied.</summary>
    void RestoreState();
}
