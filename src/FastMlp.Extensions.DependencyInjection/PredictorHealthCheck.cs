// The health of one registered model: whether it loaded, its shape, and whether its last reload worked.
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FastMlp.Extensions.DependencyInjection;

internal sealed class PredictorHealthCheck(Func<ModelPredictor> resolve) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ModelPredictor predictor;
        try
        {
            predictor = resolve();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFormatException or ArgumentException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"the model could not be loaded: {e.Message}", e));
        }

        string shape = $"{predictor.InputSize} inputs, {predictor.OutputSize} outputs, {predictor.Reloads} reloads";
        return Task.FromResult(predictor.LastReloadError is { } error
            ? HealthCheckResult.Degraded($"{shape}; the last reload failed and the previous model still serves: {error}")
            : HealthCheckResult.Healthy(shape));
    }
}
