// The sample's backend: one model file (configuration key FastMlp:ModelPath) behind the DI package's keyed
// ModelPredictor, reloaded when the file changes, with its health check. Each request leases the predictor serving
// when it starts (ModelPredictor.Acquire), so a reload in the middle of a request changes nothing for it.
using FastMlp.Extensions.DependencyInjection;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FastMlp.Serve;

/// <summary>The ModelPredictor registered under <see cref="ModelName"/>, as the endpoint's <see cref="IRowModelSource"/>.</summary>
internal sealed class PredictorBackend(ModelPredictor model) : IRowModelSource
{
    /// <summary>The key the sample registers its one model under.</summary>
    public const string ModelName = "default";

    /// <summary>
    /// Registers the model (FastMlp:ModelPath, required; FastMlp:MaxBatch, default 64; FastMlp:ReloadOnChange, default
    /// true), its health check and this backend.
    /// </summary>
    public static void Register(WebApplicationBuilder builder)
    {
        string modelPath = builder.Configuration["FastMlp:ModelPath"] ?? throw new InvalidOperationException("Set FastMlp:ModelPath (appsettings, --FastMlp:ModelPath=..., or FastMlp__ModelPath) to a model file Network.Save wrote.");
        builder.Services.AddFastMlpPredictor(ModelName, options =>
        {
            options.ModelPath = modelPath;
            options.MaxBatch = builder.Configuration.GetValue("FastMlp:MaxBatch", 64);
            options.ReloadOnChange = builder.Configuration.GetValue("FastMlp:ReloadOnChange", true);
        });
        builder.Services.AddHealthChecks().AddFastMlpPredictor(ModelName);
        builder.Services.AddSingleton<IRowModelSource>(services => new PredictorBackend(services.GetRequiredKeyedService<ModelPredictor>(ModelName)));
    }

    public IRowModel Acquire() => new Leased(model.Acquire());

    /// <summary>A request's lease on one predictor.</summary>
    private sealed class Leased(PredictorLease lease) : IRowModel
    {
        private PredictorLease _lease = lease;

        public int InputSize => _lease.Predictor.InputSize;

        public int OutputSize => _lease.Predictor.OutputSize;

        public int MaxBatch => _lease.Predictor.MaxBatch;

        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs) => _lease.Predictor.Predict(inputs, outputs);

        public void Dispose() => _lease.Dispose();
    }
}
