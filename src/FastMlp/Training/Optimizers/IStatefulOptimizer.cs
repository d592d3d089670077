namespace FastMlp;

/// <summary>An optimizer whose state can be copied out and put back: checkpoints and identical replicas.</summary>
public interface IStatefulOptimizer : IOptimizer
{
    /// <summary>A copy of the state now; its buffers are empty before the first Step and after Reset.</summary>
    OptimizerSnapshot SaveState();

    /// <summary>
    /// Replaces the state with a copy of <paramref name="snapshot"/>'s. The next Step binds it to its parameters, which
    /// must be as many as the snapshot's buffers are long; a snapshot without buffers is a Reset.
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot is of another kind of optimizer, has another number of buffers than this one keeps, or holds a NaN or infinite value. Nothing is changed then.</exception>
    void LoadState(OptimizerSnapshot snapshot);
}
