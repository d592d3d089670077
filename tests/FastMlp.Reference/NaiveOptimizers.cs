// NaiveOptimizers: the naive twins of FastMlp's optimizers, each written from its published update rule
// and nothing else: double precision, one scalar loop over the parameters, state in double arrays, no
// folded constants, no shared code. Step t counts from 1. The rules, as PyTorch's torch.optim documents
// them (g the gradient, p the parameter, lr the learning rate, λ the weight decay):
//   SGD (momentum and Nesterov after Sutskever, Martens, Dahl and Hinton, ICML 2013; dampening 0):
//     g ← g + λ·p;  b_1 = g, b_t = μ·b_{t−1} + g;  d = g + μ·b_t (Nesterov) or b_t;  p ← p − lr·d  (μ = 0: d = g)
//   Adam (Kingma and Ba, ICLR 2015, Algorithm 1):
//     g ← g + λ·p;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
//     m̂ = m / (1 − β1^t);  v̂ = v / (1 − β2^t);  p ← p − lr·m̂ / (√v̂ + ε)
//   AdamW (Loshchilov and Hutter, ICLR 2019, Algorithm 2, as PyTorch scales it):
//     p ← p − lr·λ·p;  then Adam's moments and step on the gradient without λ
//   RMSProp (Hinton, Neural Networks for Machine Learning, lecture 6e, 2012):
//     g ← g + λ·p;  v ← α·v + (1 − α)·g²;  μ = 0: p ← p − lr·g / (√v + ε);
//     else b ← μ·b + g / (√v + ε), p ← p − lr·b
// m, v and b start at 0. It validates nothing and is meant to be slow and obvious.
using System.Diagnostics.CodeAnalysis;

namespace FastMlp.Reference;

/// <summary>An optimizer's update in double, straight from its formula.</summary>
public interface INaiveOptimizer
{
    /// <summary>lr; may change between steps.</summary>
    double LearningRate { get; set; }

    /// <summary>One step of the rule over every parameter, in place.</summary>
    [SuppressMessage("Naming", "CA1716", Justification = "Step, as FastMlp's IOptimizer.Step that it mirrors.")]
    void Step(double[] gradients, double[] parameters);
}

/// <summary>SGD with L2 weight decay, momentum and Nesterov momentum.</summary>
public sealed class NaiveSgd(double learningRate, double momentum, bool nesterov, double weightDecay) : INaiveOptimizer
{
    private double[]? _b;

    public double LearningRate { get; set; } = learningRate;

    public void Step(double[] gradients, double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(parameters);
        bool first = _b is null;
        _b ??= new double[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradients[i] + (weightDecay * parameters[i]);
            double d = g;
            if (momentum != 0)
            {
                _b[i] = first ? g : (momentum * _b[i]) + g;
                d = nesterov ? g + (momentum * _b[i]) : _b[i];
            }

            parameters[i] -= LearningRate * d;
        }
    }
}

/// <summary>Adam with bias correction and L2 weight decay added to the gradient.</summary>
public sealed class NaiveAdam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) : INaiveOptimizer
{
    private double[]? _m, _v;
    private int _t;

    public double LearningRate { get; set; } = learningRate;

    public void Step(double[] gradients, double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(parameters);
        _m ??= new double[parameters.Length];
        _v ??= new double[parameters.Length];
        _t++;
        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradients[i] + (weightDecay * parameters[i]);
            _m[i] = (beta1 * _m[i]) + ((1 - beta1) * g);
            _v[i] = (beta2 * _v[i]) + ((1 - beta2) * g * g);
            double mHat = _m[i] / (1 - Math.Pow(beta1, _t));
            double vHat = _v[i] / (1 - Math.Pow(beta2, _t));
            parameters[i] -= LearningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }
}

/// <summary>Adam with decoupled weight decay.</summary>
public sealed class NaiveAdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) : INaiveOptimizer
{
    private double[]? _m, _v;
    private int _t;

    public double LearningRate { get; set; } = learningRate;

    public void Step(double[] gradients, double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(parameters);
        _m ??= new double[parameters.Length];
        _v ??= new double[parameters.Length];
        _t++;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] -= LearningRate * weightDecay * parameters[i];
            double g = gradients[i];
            _m[i] = (beta1 * _m[i]) + ((1 - beta1) * g);
            _v[i] = (beta2 * _v[i]) + ((1 - beta2) * g * g);
            double mHat = _m[i] / (1 - Math.Pow(beta1, _t));
            double vHat = _v[i] / (1 - Math.Pow(beta2, _t));
            parameters[i] -= LearningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }
}

/// <summary>RMSProp with optional momentum and L2 weight decay added to the gradient.</summary>
public sealed class NaiveRmsProp(double learningRate, double alpha, double epsilon, double weightDecay, double momentum) : INaiveOptimizer
{
    private double[]? _v, _b;

    public double LearningRate { get; set; } = learningRate;

    public void Step(double[] gradients, double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(parameters);
        _v ??= new double[parameters.Length];
        _b ??= new double[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradients[i] + (weightDecay * parameters[i]);
            _v[i] = (alpha * _v[i]) + ((1 - alpha) * g * g);
            double scaled = g / (Math.Sqrt(_v[i]) + epsilon);
            if (momentum != 0)
            {
                _b[i] = (momentum * _b[i]) + scaled;
                parameters[i] -= LearningRate * _b[i];
            }
            else
            {
                parameters[i] -= LearningRate * scaled;
            }
        }
    }
}
