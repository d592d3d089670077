// NaiveActivation: the activations NaiveMlp knows, declared here rather than taken from FastMlp so
// that the reference shares no code with the library it checks. Same names and meanings as
// FastMlp.Activation (DESIGN.md section 2).
namespace FastMlp.Reference;

/// <summary>f applied to a layer's pre-activation z.</summary>
public enum NaiveActivation
{
    /// <summary>f(z) = z.</summary>
    Identity,

    /// <summary>f(z) = 1 / (1 + e^−z).</summary>
    Sigmoid,

    /// <summary>f(z) = tanh z.</summary>
    Tanh,

    /// <summary>f(z) = max(z, 0), with f'(0) = 0.</summary>
    Relu,

    /// <summary>f(z)_j = e^(z_j − max z) / Σ_k e^(z_k − max z), over a sample's row.</summary>
    Softmax,

    /// <summary>f(z) = z for z &gt; 0, else 0.01·z, with f'(0) = 0.01.</summary>
    LeakyRelu,

    /// <summary>f(z) = z·Φ(z) = ½z·(1 + erf(z/√2)) (exact GELU), f'(z) = Φ(z) + z·φ(z).</summary>
    Gelu,

    /// <summary>f(z) = z·σ(z) = z / (1 + e^−z), f'(z) = σ(z)·(1 + z·(1 − σ(z))).</summary>
    Silu,
}
