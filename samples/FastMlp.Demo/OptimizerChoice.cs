// The optimizers --optimizer names, with the learning rate each starts from when --lr is not given:
// 0.1 for plain SGD (WORKLOADS.md W5), 0.01 with momentum 0.9 (the same effective step, lr / (1 − μ)),
// and the customary 0.001 for the adaptive ones (Kingma & Ba's Adam default; Keras' RMSprop default).
namespace FastMlp.Demo;

internal enum OptimizerKind
{
    Sgd,
    Momentum,
    Nesterov,
    Adam,
    AdamW,
    RmsProp,
}

internal static class OptimizerChoice
{
    public const string Names = "sgd, momentum, nesterov, adam, adamw or rmsprop";

    public static OptimizerKind? Parse(string name) => name.ToUpperInvariant() switch
    {
        "SGD" => OptimizerKind.Sgd,
        "MOMENTUM" => OptimizerKind.Momentum,
        "NESTEROV" => OptimizerKind.Nesterov,
        "ADAM" => OptimizerKind.Adam,
        "ADAMW" => OptimizerKind.AdamW,
        "RMSPROP" => OptimizerKind.RmsProp,
        _ => null,
    };

    public static float DefaultLearningRate(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => 0.1f,
        OptimizerKind.Momentum or OptimizerKind.Nesterov => 0.01f,
        _ => 0.001f,
    };

    public static IOptimizer Create(OptimizerKind kind, float learningRate) => kind switch
    {
        OptimizerKind.Sgd => new Sgd(learningRate),
        OptimizerKind.Momentum => new Sgd(learningRate, momentum: 0.9f),
        OptimizerKind.Nesterov => new Sgd(learningRate, momentum: 0.9f, nesterov: true),
        OptimizerKind.Adam => new Adam(learningRate),
        OptimizerKind.AdamW => new AdamW(learningRate),
        _ => new RmsProp(learningRate),
    };

    /// <summary>"SGD lr 0.1", "SGD (Nesterov momentum 0.9) lr 0.01", ...</summary>
    public static string Describe(OptimizerKind kind, float learningRate)
    {
        string name = kind switch
        {
            OptimizerKind.Sgd => "SGD",
            OptimizerKind.Momentum => "SGD (momentum 0.9)",
            OptimizerKind.Nesterov => "SGD (Nesterov momentum 0.9)",
            OptimizerKind.Adam => "Adam",
            OptimizerKind.AdamW => "AdamW (weight decay 0.01)",
            _ => "RMSProp",
        };
        return FormattableString.Invariant($"{name} lr {learningRate}");
    }
}
