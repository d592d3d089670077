// What AddFastMlpPredictor registers: the model file, the Predictor options, and whether a change to the
// file swaps in a new model.
namespace FastMlp.Extensions.DependencyInjection;

/// <summary>Options of one keyed predictor (<c>services.AddFastMlpPredictor(name, configure)</c>).</summary>
public sealed class FastMlpPredictorOptions
{
    /// <summary>The model file (<see cref="Network.Save(string)"/>); required.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>The largest batch one call accepts (<see cref="PredictorOptions.MaxBatch"/>).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>The most threads one call uses (<see cref="PredictorOptions.MaxDegreeOfParallelism"/>).</summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>Whether a change to the file loads it and swaps the new model in (calls in flight finish on the old one).</summary>
    public bool ReloadOnChange { get; set; }

    /// <summary>How long the file must stay unchanged before a reload reads it (writers often write in several steps).</summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
