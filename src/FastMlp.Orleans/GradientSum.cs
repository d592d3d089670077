// The all-reduce's arithmetic, g = Σ_r n_r·g_r / Σ_r n_r over the ranks' batch-mean gradients g_r of n_r samples,
// in rank order: the same float operations in the same order whatever order the contributions arrived in, so
// every replica, in every run, applies the same bits. With equal n_r this is the mean of the g_r; it equals the
// gradient of one batch holding every rank's samples up to the rounding of the different summation order.
using System.Numerics.Tensors;

namespace FastMlp.Orleans;

internal static class GradientSum
{
    /// <summary>
    /// mean += n·g, for the ranks in ascending order after <paramref name="mean"/> was cleared; then
    /// <see cref="Finish"/>. A rank with n = 0 adds nothing and is skipped (its gradients may be empty).
    /// </summary>
    public static void Add(ReadOnlySpan<float> gradients, int samples, Span<float> mean)
    {
        if (samples != 0)
        {
            TensorPrimitives.MultiplyAdd(gradients, (float)samples, mean, mean);
        }
    }

    /// <summary>mean /= Σ n (left zero when Σ n = 0).</summary>
    public static void Finish(Span<float> mean, int totalSamples)
    {
        if (totalSamples > 0)
        {
            TensorPrimitives.Divide(mean, (float)totalSamples, mean);
        }
    }

    /// <summary>Σ_r n_r·ℓ_r / Σ_r n_r in double, r ascending; NaN when Σ n_r = 0.</summary>
    public static float Loss(ReadOnlySpan<float> losses, ReadOnlySpan<int> samples)
    {
        double sum = 0;
        long total = 0;
        for (int r = 0; r < samples.Length; r++)
        {
            if (samples[r] != 0)
            {
                sum += (double)losses[r] * samples[r];
                total += samples[r];
            }
        }

        return total == 0 ? float.NaN : (float)(sum / total);
    }
}
