// A built-in optimizer's state copied out, to be put back later or into another optimizer of the same kind:
// a checkpoint that resumes training exactly, or the replicas of data-parallel training (FastMlp.Orleans),
// which must all hold the same state to stay identical. The snapshot owns its arrays (copies both ways);
// hyperparameters are not part of it (they are the optimizer's, and a schedule may change the learning rate).
namespace FastMlp;

/// <summary>A copy of a built-in optimizer's state: its kind, its step count and its buffers (velocity, moments).</summary>
public sealed class OptimizerSnapshot
{
    private readonly float[][] _buffers;

    /// <param name="optimizer">The optimizer's kind, as its type's Name gives it ("Sgd", "Adam", "AdamW", "RmsProp").</param>
    /// <param name="steps">Steps taken (Adam's and AdamW's t for the bias correction; 0 for the others); not negative.</param>
    /// <param name="buffers">The state buffers, each as long as the parameters; none before the first Step. Kept, not copied.</param>
    /// <exception cref="ArgumentException">A buffer is null or of another length than the first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    public OptimizerSnapshot(string optimizer, long steps, IReadOnlyList<float[]> buffers)
    {
        ArgumentException.ThrowIfNullOrEmpty(optimizer);
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        _buffers = [.. buffers];
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] is null || _buffers[i].Length != _buffers[0].Length)
            {
                ThrowHelper.ThrowArgument(nameof(buffers), $"buffers[{i}] is {(_buffers[i] is null ? "null" : $"{_buffers[i].Length} long")}; every state buffer is as long as the parameters ({_buffers[0]?.Length}).");
            }
        }

        Optimizer = optimizer;
        Steps = steps;
    }

    /// <summary>The kind of optimizer the state is for.</summary>
    public string Optimizer { get; }

    /// <summary>Steps taken (Adam's t); 0 for optimizers that do not count.</summary>
    public long Steps { get; }

    /// <summary>The state buffers, parallel to the parameters; empty when the optimizer had none yet.</summary>
    public IReadOnlyList<float[]> Buffers => _buffers;

    /// <summary>The parameter count the buffers are for; 0 when there are none.</summary>
    public int Length => _buffers.Length == 0 ? 0 : _buffers[0].Length;
}
