// The optimizer every replica builds, as data: an IOptimizer instance cannot cross silos, a description can.
// Each kind maps to the core optimizer of the same name with the same hyperparameters and defaults; the
// factories build one at once, so a bad hyperparameter throws where the job is described, not on a silo.
using Orleans;

namespace FastMlp.Orleans;

/// <summary>The built-in optimizers a data-parallel job can run.</summary>
public enum OptimizerKind
{
    /// <summary><see cref="FastMlp.Sgd"/>.</summary>
    Sgd,

    /// <summary><see cref="FastMlp.Adam"/>.</summary>
    Adam,

    /// <summary><see cref="FastMlp.AdamW"/>.</summary>
    AdamW,

    /// <summary><see cref="FastMlp.RmsProp"/>.</summary>
    RmsProp,
}

/// <summary>Which optimizer every replica of a data-parallel job builds, with its hyperparameters.</summary>
[GenerateSerializer]
[Immutable]
public sealed class OptimizerSettings
{
    private OptimizerSettings(OptimizerKind kind, float learningRate)
    {
        Kind = kind;
        LearningRate = learningRate;
    }

    /// <summary>The optimizer.</summary>
    [Id(0)]
    public OptimizerKind Kind { get; }

    /// <summary>The step size lr.</summary>
    [Id(1)]
    public float LearningRate { get; }

    /// <summary>SGD's or RMSProp's momentum μ.</summary>
    [Id(2)]
    public float Momentum { get; private init; }

    /// <summary>SGD's Nesterov momentum.</summary>
    [Id(3)]
    public bool Nesterov { get; private init; }

    /// <summary>The weight decay λ (L2 for Sgd, Adam and RmsProp; decoupled for AdamW).</summary>
    [Id(4)]
    public float WeightDecay { get; private init; }

    /// <summary>Adam's and AdamW's β1.</summary>
    [Id(5)]
    public float Beta1 { get; private init; }

    /// <summary>Adam's and AdamW's β2.</summary>
    [Id(6)]
    public float Beta2 { get; private init; }

    /// <summary>ε of Adam, AdamW and RmsProp.</summary>
    [Id(7)]
    public float Epsilon { get; private init; }

    /// <summary>RMSProp's α.</summary>
    [Id(8)]
    public float Alpha { get; private init; }

    /// <summary>As <see cref="FastMlp.Sgd(float, float, bool, float)"/>.</summary>
    /// <exception cref="ArgumentException">As that constructor.</exception>
    public static OptimizerSettings Sgd(float learningRate, float momentum = 0, bool nesterov = false, float weightDecay = 0) =>
        Checked(new(OptimizerKind.Sgd, learningRate) { Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay });

    /// <summary>As <see cref="FastMlp.Adam(float, float, float, float, float)"/>.</summary>
    /// <exception cref="ArgumentException">As that constructor.</exception>
    public static OptimizerSettings Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0) =>
        Checked(new(OptimizerKind.Adam, learningRate) { Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay });

    /// <summary>As <see cref="FastMlp.AdamW(float, float, float, float, float)"/>.</summary>
    /// <exception cref="ArgumentException">As that constructor.</exception>
    public static OptimizerSettings AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f) =>
        Checked(new(OptimizerKind.AdamW, learningRate) { Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay });

    /// <summary>As <see cref="FastMlp.RmsProp(float, float, float, float, float)"/>.</summary>
    /// <exception cref="ArgumentException">As that constructor.</exception>
    public static OptimizerSettings RmsProp(float learningRate = 1e-2f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0, float momentum = 0) =>
        Checked(new(OptimizerKind.RmsProp, learningRate) { Alpha = alpha, Epsilon = epsilon, WeightDecay = weightDecay, Momentum = momentum });

    /// <summary>A new optimizer of this kind, with fresh state.</summary>
    public IStatefulOptimizer Create() => Kind switch
    {
        OptimizerKind.Sgd => new FastMlp.Sgd(LearningRate, Momentum, Nesterov, WeightDecay),
        OptimizerKind.Adam => new FastMlp.Adam(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        OptimizerKind.AdamW => new FastMlp.AdamW(LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
        OptimizerKind.RmsProp => new FastMlp.RmsProp(LearningRate, Alpha, Epsilon, WeightDecay, Momentum),
        _ => throw new InvalidOperationException($"{Kind} is not an OptimizerKind."),
    };

    /// <summary>The settings, once the core optimizer accepted them.</summary>
    private static OptimizerSettings Checked(OptimizerSettings settings)
    {
        settings.Create();
        return settings;
    }
}
