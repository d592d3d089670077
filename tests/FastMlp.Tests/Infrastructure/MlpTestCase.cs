// MlpTestCase: one randomly drawn training problem for the Network/Trainer properties: an architecture,
// a legal activation × loss combination, a batch, how targets are drawn, a learning rate, a thread
// count, and a seed from which MlpTestData derives every number (parameters, inputs, targets). Keeping
// the data a function of the seed keeps cases small to print and lets the shape shrink on failure.
using System.Globalization;

namespace FastMlp.Tests.Infrastructure;

/// <summary>How the targets of a case are drawn.</summary>
internal enum MlpTargets
{
    /// <summary>One-hot rows.</summary>
    OneHot,

    /// <summary>Uniform in [0, 1]: non-negative rows of any sum (for CrossEntropy, unnormalized soft targets).</summary>
    Unit,

    /// <summary>Rows of a probability distribution (uniform draws divided by their sum): soft targets, as label smoothing and distillation give.</summary>
    Distribution,

    /// <summary>Whole numbers 0, 1 or 2: multi-hot rows ([1, 1, 0]), scaled one-hot rows ([0, 2, 0]) and all-zero rows.</summary>
    Counts,

    /// <summary>Uniform in [−1, 1].</summary>
    Symmetric,
}

/// <param name="Sizes">[inputs, hidden..., outputs].</param>
/// <param name="Threads">maxDegreeOfParallelism of the Workspace and Trainer.</param>
internal sealed record MlpTestCase(
    int[] Sizes, Activation Hidden, Activation Output, Loss Loss, int Batch, MlpTargets Targets, float LearningRate, int Threads, int Seed)
{
    public int InputSize => Sizes[0];

    public int OutputSize => Sizes[^1];

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"[{string.Join("-", Sizes)}] hidden {Hidden}, output {Output}, {Loss}, batch {Batch}, targets {Targets}, lr {LearningRate:R}, threads {Threads}, seed {Seed}");
}
