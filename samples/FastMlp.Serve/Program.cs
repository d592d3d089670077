// The serving sample: one model file (configuration key FastMlp:ModelPath), reloaded when it changes, behind
//   POST /predict   a JSON body {"inputs": [...]} (one or more rows of InputSize floats, concatenated), or a
//                   binary body (Content-Type application/octet-stream) of little-endian float32s;
//                   answers {"outputs": [[...], ...], "classes": [...]}
//   GET  /health    the model's health check (degraded after a failed reload, with the reason)
// Every bad request (malformed JSON, a length that is not a whole batch, more rows than the predictor takes,
// a non-finite value) is a 400 with a message, never a 500 (PredictEndpoint). Each request uses one model from
// start to end, even when a reload swaps another in meanwhile (PredictorBackend).
using FastMlp.Serve;

ServeApp.Build(args, PredictorBackend.Register).Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
