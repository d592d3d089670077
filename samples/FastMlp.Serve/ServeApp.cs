// The service, whatever computes its answers: the Kestrel host WebApplication.CreateBuilder makes from the arguments
// and configuration, POST /predict (PredictEndpoint) and GET /health. The caller adds the backend, an
// IRowModelSource singleton (and its health checks): the sample's Program adds PredictorBackend; the peer suite,
// which compiles this file and the endpoint's, adds the same one or ONNX Runtime's, so the two it measures differ
// in the backend only.
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FastMlp.Serve;

internal static class ServeApp
{
    /// <summary>The configured application (not started) with <paramref name="addBackend"/>'s backend behind /predict.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder> addBackend)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // The generated serializers only, as under NativeAOT (ServeJson.cs).
            options.SerializerOptions.TypeInfoResolverChain.Clear();
            options.SerializerOptions.TypeInfoResolverChain.Add(ServeJsonContext.Default);
        });
        addBackend(builder);
        builder.Services.AddHealthChecks();
        WebApplication app = builder.Build();

        // The backend now, not on the first request: a model file that does not load stops the service here, naming
        // the file, instead of starting one whose requests all fail.
        app.Services.GetRequiredService<IRowModelSource>();
        app.MapPost("/predict", PredictEndpoint.Handle);
        app.MapHealthChecks("/health");
        return app;
    }
}
