// NaiveLoss: the losses NaiveMlp knows, declared here (not taken from FastMlp) so that the reference
// shares no code with the library. Definitions exactly as DESIGN.md section 2, for B samples of n outputs.
namespace FastMlp.Reference;

/// <summary>What a training step minimizes.</summary>
public enum NaiveLoss
{
    /// <summary>(1 / (B·n)) Σ_b Σ_j (y_bj − t_bj)².</summary>
    MeanSquaredError,

    /// <summary>(1 / B) Σ_b ‖y_b − t_b‖².</summary>
    SumSquaredError,

    /// <summary>−(1 / B) Σ_b Σ_j t_bj · ln y_bj (terms with t_bj = 0 count 0).</summary>
    CrossEntropy,

    /// <summary>−(1 / (B·n)) Σ_b Σ_j [t_bj · ln y_bj + (1 − t_bj) · ln(1 − y_bj)], each ln at no less than −100 (PyTorch BCELoss).</summary>
    BinaryCrossEntropy,
}
