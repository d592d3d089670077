namespace FastMlp;

/// <summary>An optimizer whose step size a learning-rate schedule may change between steps.</summary>
public interface IAdjustableOptimizer : IOptimizer
{
    /// <summary>The step size of the next Step; positive and finite.</summary>
    float LearningRate { get; set; }
}
