// FiniteDifference: gradients by central differences, in double, as an independent check of
// analytic gradients (NaiveMlp.Backward and, through it or directly, Trainer.Gradients).
//
//   ∂f/∂θ_p ≈ (f(θ + h·e_p) − f(θ − h·e_p)) / (2h)
// The truncation error is h²/6 · |∂³f/∂θ_p³| and the rounding error about ε·|f| / h (ε = 2^-52), so the
// default h = 1e-5 balances the two near 1e-11 for the O(1) losses and parameters of the tests. The
// function must be smooth on [θ_p − h, θ_p + h]: for a ReLU network, no pre-activation may cross 0 there.
namespace FastMlp.Reference;

/// <summary>Central-difference gradients in double.</summary>
public static class FiniteDifference
{
    /// <summary>The default step h.</summary>
    public const double DefaultStep = 1e-5;

    /// <summary>(f(θ + h·e_p) − f(θ − h·e_p)) / (2h) for every p; <paramref name="point"/> is left as it was.</summary>
    public static double[] CentralGradient(Func<double[], double> function, double[] point, double step = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(point);
        double[] x = (double[])point.Clone();
        var gradient = new double[x.Length];
        for (int p = 0; p < x.Length; p++)
        {
            double saved = x[p];
            x[p] = saved + step;
            double up = function(x);
            x[p] = saved - step;
            double down = function(x);
            x[p] = saved;
            gradient[p] = (up - down) / (2 * step);
        }

        return gradient;
    }

    /// <summary>∂L/∂θ of the NaiveMlp loss on one batch (weighted by <paramref name="weights"/> when given), by central differences.</summary>
    public static double[] LossGradient(
        NaiveMlp network, NaiveLoss loss, double[] parameters, double[] inputs, double[] targets, int batch, double step = DefaultStep, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return CentralGradient(theta => network.Loss(loss, theta, inputs, targets, batch, weights), parameters, step);
    }
}
