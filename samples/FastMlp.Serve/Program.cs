// The serving sample: one model file (configuration key FastMlp:ModelPath), reloaded when it changes, behind
//   POST /predict   a JSON body {"inputs": [...]} (one or more rows of InputSize floats, concatenated), or a
//                   binary body (Content-Type application/octet-stream) of little-endian float32s;
//                   answers {"outputs": [[...], ...], "classes": [...]}
//   GET  /health    the model's health check (degraded after a failed reload, with the reason)
// Every bad request (malformed JSON, a length that is not a whole batch, more rows than the predictor takes,
// a non-finite value) is a 400 with a message, never a 500 (PredictEndpoint).
using FastMlp.Extensions.DependencyInjection;
using FastMlp.Serve;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
string modelPath = builder.Configuration["FastMlp:ModelPath"] ?? throw new InvalidOperationException("Set FastMlp:ModelPath (appsettings, --FastMlp:ModelPath=..., or FastMlp__ModelPath) to a model file Network.Save wrote.");
builder.Services.AddFastMlpPredictor(PredictEndpoint.ModelName, options =>
{
    options.ModelPath = modelPath;
    options.MaxBatch = builder.Configuration.GetValue("FastMlp:MaxBatch", 64);
    options.ReloadOnChange = builder.Configuration.GetValue("FastMlp:ReloadOnChange", true);
});
builder.Services.AddHealthChecks().AddFastMlpPredictor(PredictEndpoint.ModelName);

WebApplication app = builder.Build();
app.MapPost("/predict", PredictEndpoint.Handle);
app.MapHealthChecks("/health");
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
