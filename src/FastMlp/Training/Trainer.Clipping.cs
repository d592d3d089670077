// Gradient clipping (issue 14), as PyTorch's clip_grad_value_ and clip_grad_norm_ do it, on the flat gradient
// buffer after backward and before the divergence guard and the optimizer:
//   by value   g ← clamp(g, −c, c) elementwise (NaN stays NaN, ±∞ becomes ±c)
//   by norm    n = ‖g‖₂ over every parameter; if c / (n + 1e−6) < 1, g ← g · c / (n + 1e−6)
// Both set: by value first, then by norm. The guard then decides on max |g| of the clipped gradients, read
// exactly, so clipping can bring a step with huge (but finite) gradients back under the guard's bound.
// A clipping step never fuses its update (FusedBackward): the norm needs every gradient before any update.
using System.Numerics.Tensors;

namespace FastMlp;

public sealed partial class Trainer
{
    // The thresholds in force: the trainer's own, or a running Fit's (FitOptions) in their place.
    private float? _clipValue, _clipNorm;

    /// <summary>Clip every gradient to [−c, c] before the update (PyTorch's clip_grad_value_); null (the default) for none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    /// <exception cref="InvalidOperationException">A Fit is running on this trainer (FitOptions.ClipGradientValue sets it for one fit).</exception>
    public float? ClipGradientValue
    {
        get => _clipValue;
        set => _clipValue = OutsideFit(ValidClip(value, nameof(ClipGradientValue)));
    }

    /// <summary>
    /// Scale the gradients so their global L2 norm is at most c before the update (PyTorch's clip_grad_norm_, with its
    /// 1e−6 in the divisor); null (the default) for none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    /// <exception cref="InvalidOperationException">A Fit is running on this trainer (FitOptions.ClipGradientNorm sets it for one fit).</exception>
    public float? ClipGradientNorm
    {
        get => _clipNorm;
        set => _clipNorm = OutsideFit(ValidClip(value, nameof(ClipGradientNorm)));
    }

    private bool Clips => _clipValue is not null || _clipNorm is not null;

    /// <summary>A clip threshold: null, or positive and finite.</summary>
    internal static float? ValidClip(float? value, string name)
    {
        if (value is { } c && !(c > 0 && float.IsFinite(c)))
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, c, $"{name} is {c}; it must be positive and finite (or null for no clipping).");
        }

        return value;
    }

    /// <summary>Clips the gradients of this step; returns max |g| after it (NaN if one is NaN).</summary>
    private double ClipGradients()
    {
        Span<float> g = _gradients.Span;
        if (_clipValue is { } c)
        {
            TensorPrimitives.Clamp(g, -c, c, g);
        }

        if (_clipNorm is { } maxNorm)
        {
            double coefficient = maxNorm / (Math.Sqrt(TensorPrimitives.SumOfSquares<float>(g)) + 1e-6);
            if (coefficient < 1)
            {
                TensorPrimitives.Multiply(g, (float)coefficient, g);
            }
        }

        return MaxAbsolute.OrNaN(g);
    }
}
