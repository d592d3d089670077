// OptimizerValidationTests: every hyperparameter of every optimizer is checked at construction and
// rejected with an ArgumentOutOfRangeException naming it when it is non-finite or outside its range
// (learning rate and ε positive; momentum, β1, β2 and α in [0, 1); weight decay ≥ 0); the edges of the
// ranges are accepted and kept; Nesterov needs momentum; the defaults are PyTorch's; the LearningRate
// setter rejects what the constructor rejects and keeps the old rate.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Training.Optimizers;

public sealed class OptimizerValidationTests
{
    private static readonly float[] s_badRates = [0f, -1e-3f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
    private static readonly float[] s_badDecayRates = [-1e-3f, 1f, 1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
    private static readonly float[] s_badEpsilons = [0f, -1e-8f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
    private static readonly float[] s_badWeightDecays = [-1e-3f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    public static TheoryData<string, string, float> BadHyperparameters()
    {
        var rows = new TheoryData<string, string, float>();
        void Add(string optimizer, string parameter, float[] values)
        {
            foreach (float value in values)
            {
                rows.Add(optimizer, parameter, value);
            }
        }

        Add("Sgd", "learningRate", s_badRates);
        Add("Sgd", "momentum", s_badDecayRates);
        Add("Sgd", "weightDecay", s_badWeightDecays);
        foreach (string adam in new[] { "Adam", "AdamW" })
        {
            Add(adam, "learningRate", s_badRates);
            Add(adam, "beta1", s_badDecayRates);
            Add(adam, "beta2", s_badDecayRates);
            Add(adam, "epsilon", s_badEpsilons);
            Add(adam, "weightDecay", s_badWeightDecays);
        }

        Add("RmsProp", "learningRate", s_badRates);
        Add("RmsProp", "alpha", s_badDecayRates);
        Add("RmsProp", "epsilon", s_badEpsilons);
        Add("RmsProp", "weightDecay", s_badWeightDecays);
        Add("RmsProp", "momentum", s_badDecayRates);
        return rows;
    }

    [Theory]
    [MemberData(nameof(BadHyperparameters))]
    public void A_hyperparameter_out_of_range_throws_naming_it(string optimizer, string parameter, float value)
    {
        ArgumentOutOfRangeException e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(parameter, () => Create(optimizer, parameter, value));
        Assert.Equal(value, e.ActualValue);
    }

    [Fact]
    public void The_edges_of_every_range_are_accepted_and_kept()
    {
        const float belowOne = 0.99999994f;   // the largest float below 1
        var sgd = new Sgd(float.Epsilon, momentum: belowOne, nesterov: true, weightDecay: float.MaxValue);
        Assert.Equal((float.Epsilon, belowOne, true, float.MaxValue), (sgd.LearningRate, sgd.Momentum, sgd.Nesterov, sgd.WeightDecay));
        var adam = new Adam(float.MaxValue, beta1: 0, beta2: belowOne, epsilon: float.Epsilon, weightDecay: 0);
        Assert.Equal((float.MaxValue, 0f, belowOne, float.Epsilon, 0f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        var adamW = new AdamW(1, beta1: belowOne, beta2: 0, epsilon: float.MaxValue, weightDecay: 0);
        Assert.Equal((1f, belowOne, 0f, float.MaxValue, 0f), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
        var rmsProp = new RmsProp(1, alpha: 0, epsilon: float.Epsilon, weightDecay: float.MaxValue, momentum: belowOne);
        Assert.Equal((1f, 0f, float.Epsilon, float.MaxValue, belowOne), (rmsProp.LearningRate, rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum));
    }

    [Fact]
    public void Nesterov_without_momentum_throws()
    {
        ArgumentAssert.Throws<ArgumentException>("nesterov", () => _ = new Sgd(0.1f, momentum: 0, nesterov: true), "momentum");
    }

    [Fact]
    public void The_defaults_are_PyTorchs()
    {
        var sgd = new Sgd(0.1f);
        Assert.Equal((0f, false, 0f), (sgd.Momentum, sgd.Nesterov, sgd.WeightDecay));
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
        var rmsProp = new RmsProp();
        Assert.Equal((1e-2f, 0.99f, 1e-8f, 0f, 0f), (rmsProp.LearningRate, rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum));
    }

    public static TheoryData<string, float> BadRatesForEverySetup()
    {
        var rows = new TheoryData<string, float>();
        foreach (string setup in OptimizerSetups.All)
        {
            foreach (float rate in s_badRates)
            {
                rows.Add(setup, rate);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(BadRatesForEverySetup))]
    public void Setting_a_bad_learning_rate_throws_and_keeps_the_old_one(string setup, float rate)
    {
        IAdjustableOptimizer optimizer = OptimizerSetups.Create(setup);
        optimizer.LearningRate = 0.25f;
        ArgumentAssert.Throws<ArgumentOutOfRangeException>("learningRate", () => optimizer.LearningRate = rate);
        Assert.Equal(0.25f, optimizer.LearningRate);
    }

    private static IOptimizer Create(string optimizer, string parameter, float value)
    {
        float V(string name, float otherwise) => name == parameter ? value : otherwise;
        return optimizer switch
        {
            "Sgd" => new Sgd(V("learningRate", 0.1f), V("momentum", 0.5f), nesterov: false, V("weightDecay", 0)),
            "Adam" => new Adam(V("learningRate", 1e-3f), V("beta1", 0.9f), V("beta2", 0.999f), V("epsilon", 1e-8f), V("weightDecay", 0)),
            "AdamW" => new AdamW(V("learningRate", 1e-3f), V("beta1", 0.9f), V("beta2", 0.999f), V("epsilon", 1e-8f), V("weightDecay", 0)),
            _ => new RmsProp(V("learningRate", 1e-2f), V("alpha", 0.99f), V("epsilon", 1e-8f), V("weightDecay", 0), V("momentum", 0)),
        };
    }
}
