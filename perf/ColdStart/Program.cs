// ColdStart: a process that loads a FastMlp model file with Predictor.Load, answers one batch-1 prediction and
// times its first 1,000 and steady-state predictions (ColdStartProbe). perf/coldstart.sh builds it as every
// variant (JIT, ReadyToRun, NativeAOT) and ColdStart.Driver spawns it; not part of FastMlp.sln, since its
// variants are RID-specific publishes.
using FastMlp;
using FastMlp.ColdStart;

return ColdStartProbe.Run(args, static (path, input, output) => new PredictorEngine(Predictor.Load(path), input, output));

/// <summary>FastMlp's Predictor as a service would make it: Predictor.Load(path) with the default options.</summary>
internal sealed class PredictorEngine(Predictor predictor, float[] input, float[] output) : IColdStartEngine
{
    public void Predict() => predictor.Predict(input, output);

    public void Dispose() => predictor.Dispose();
}
