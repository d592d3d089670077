namespace FastMlp;

/// <summary>The function a dense layer applies to Z = X·W + b, element by element (Softmax: row by row).</summary>
public enum Activation
{
    /// <summary>f(z) = z.</summary>
    Identity,

    /// <summary>f(z) = 1 / (1 + exp(−z)).</summary>
    Sigmoid,

    /// <summary>f(z) = tanh(z).</summary>
    Tanh,

    /// <summary>f(z) = max(z, 0).</summary>
    Relu,

    /// <summary>f(z)_j = exp(z_j − max z) / Σ_i exp(z_i − max z); output layer only.</summary>
    Softmax,

    /// <summary>f(z) = z for z &gt; 0, else 0.01·z (PyTorch's default negative slope); f'(0) is taken as 0.01.</summary>
    LeakyRelu,

    /// <summary>f(z) = z·Φ(z), Φ the standard normal distribution function: GELU in its exact erf form (PyTorch's default nn.GELU()).</summary>
    Gelu,

    /// <summary>f(z) = z·σ(z) = z / (1 + exp(−z)) (SiLU, also called swish; PyTorch's nn.SiLU).</summary>
    Silu,
}
