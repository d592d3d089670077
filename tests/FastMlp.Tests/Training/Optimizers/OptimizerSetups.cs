// OptimizerSetups: one named configuration of every optimizer path (plain and decayed SGD, momentum,
// Nesterov, Adam, AdamW, RMSProp without and with momentum), for the example-based optimizer tests.
namespace FastMlp.Tests.Training.Optimizers;

internal static class OptimizerSetups
{
    /// <summary>The setups that keep state parallel to the parameters (all but momentum-free SGD).</summary>
    public static readonly string[] Stateful = ["Sgd momentum", "Sgd Nesterov", "Adam", "AdamW", "RmsProp", "RmsProp momentum"];

    public static readonly string[] All = ["Sgd", "Sgd weight decay", .. Stateful];

    public static TheoryData<string> AllRows() => new(All);

    public static TheoryData<string> StatefulRows() => new(Stateful);

    public static IAdjustableOptimizer Create(string setup) => setup switch
    {
        "Sgd" => new Sgd(0.1f),
        "Sgd weight decay" => new Sgd(0.1f, weightDecay: 0.01f),
        "Sgd momentum" => new Sgd(0.1f, momentum: 0.9f),
        "Sgd Nesterov" => new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
        "Adam" => new Adam(weightDecay: 0.01f),
        "AdamW" => new AdamW(),
        "RmsProp" => new RmsProp(),
        "RmsProp momentum" => new RmsProp(momentum: 0.9f, weightDecay: 0.01f),
        _ => throw new ArgumentOutOfRangeException(nameof(setup), setup, "Not a setup."),
    };

    /// <summary>Zeroes the optimizer's state (every stateful optimizer has a Reset).</summary>
    public static void Reset(IOptimizer optimizer)
    {
        switch (optimizer)
        {
            case Sgd sgd:
                sgd.Reset();
                break;
            case Adam adam:
                adam.Reset();
                break;
            case AdamW adamW:
                adamW.Reset();
                break;
            case RmsProp rmsProp:
                rmsProp.Reset();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Not an optimizer with a Reset.");
        }
    }

    /// <summary>[length] values in [−1, 1) from the seed.</summary>
    public static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
