using System.Diagnostics.CodeAnalysis;

namespace FastMlp;

/// <summary>Updates parameters in place from their gradients, over the flat buffer in one call.</summary>
/// <remarks>
/// The built-in optimizers' state (velocity, moments) belongs to the parameters of the Step that allocated it: bound
/// by a <see cref="Trainer"/>, to that network's parameter buffer (another Trainer's network gets
/// InvalidOperationException, a direct Step on other memory ArgumentException); bound by a direct Step, to the length
/// of its span (a span does not identify the memory behind it: the GC moves arrays). Reset releases it.
/// Trainer.Step guards every update: for the built-in optimizers it proves from bounds, before writing, that no
/// parameter or state value can become NaN or infinite, and otherwise updates from a saved copy it can restore.
/// A custom implementation is seen from outside only: the Trainer copies the parameters before each Step, checks
/// them after, and restores them on a NaN or infinite value or an exception; the implementation's own state is its own.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// parameters −= update(gradients). Any state is flat and parallel to the parameters.
    /// </summary>
    /// <param name="gradients">∂loss/∂parameters, same length and layout as <paramref name="parameters"/>.</param>
    /// <param name="parameters">Updated in place.</param>
    [SuppressMessage("Naming", "CA1716", Justification = "Step is the name of the public API contract (DESIGN.md section 2).")]
    void Step(ReadOnlySpan<float> gradients, Span<float> parameters);
}
