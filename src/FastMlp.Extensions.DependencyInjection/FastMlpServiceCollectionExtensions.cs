// Registration: one keyed ModelPredictor singleton per name, built on first resolve, where a missing or bad model
// file throws (a host that resolves it while starting, as samples/FastMlp.Serve does, then fails to start instead of
// failing its requests), and a health check per name.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FastMlp.Extensions.DependencyInjection;

/// <summary>Registers FastMlp predictors with Microsoft.Extensions.DependencyInjection.</summary>
public static class FastMlpServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="ModelPredictor"/> under the key <paramref name="name"/>
    /// (<c>[FromKeyedServices("name")] ModelPredictor predictor</c>), configured by <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddFastMlpPredictor(this IServiceCollection services, string name, Action<FastMlpPredictorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new FastMlpPredictorOptions();
        configure(options);
        services.AddKeyedSingleton(name, (_, _) => new ModelPredictor(options));
        return services;
    }

    /// <summary>
    /// A health check named "fastmlp-<paramref name="name"/>": healthy while the model serves and its last reload
    /// succeeded, degraded when a reload failed (the previous model still serves, and the reason is reported),
    /// unhealthy when the model could not be loaded at all.
    /// </summary>
    public static IHealthChecksBuilder AddFastMlpPredictor(this IHealthChecksBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            $"fastmlp-{name}",
            services => new PredictorHealthCheck(() => services.GetRequiredKeyedService<ModelPredictor>(name)),
            failureStatus: null,
            tags: null));
    }
}
