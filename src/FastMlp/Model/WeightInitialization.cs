namespace FastMlp;

/// <summary>
/// How <see cref="Network.Create(IReadOnlyList{int}, Activation, Activation, int, WeightInitialization)"/> draws the initial
/// weights (biases start at 0). Every scheme gives the same bits for the same seed on every machine: the draws use only
/// IEEE basic operations, square roots and a logarithm and cosine of the library's own, never the platform's math library.
/// </summary>
public enum WeightInitialization
{
    /// <summary>He uniform for ReLU and LeakyReLU layers, Glorot uniform for every other layer.</summary>
    Default,

    /// <summary>U(−√(6 / (in + out)), +√(6 / (in + out))) (Glorot &amp; Bengio 2010).</summary>
    GlorotUniform,

    /// <summary>N(0, 2 / (in + out)) (Glorot &amp; Bengio 2010).</summary>
    GlorotNormal,

    /// <summary>U(−√(6 / in), +√(6 / in)) (He et al. 2015).</summary>
    HeUniform,

    /// <summary>N(0, 2 / in) (He et al. 2015).</summary>
    HeNormal,
}
