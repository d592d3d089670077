using System.Diagnostics.CodeAnalysis;

namespace FastMlp;

/// <summary>Updates parameters in place from their gradients, over the flat buffer in one call.</summary>
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
