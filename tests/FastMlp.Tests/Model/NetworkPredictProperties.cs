// NetworkPredictProperties: Network.Predict against NaiveMlp.Forward (double) for random architectures
// of 1 to 4 layers, widths 1..70, batches 1..70, every legal activation pair, 1 or 2 threads, within
// MlpErrorBound. (The training properties check Predict too; this one spends its cases on forward only.)
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model;

public sealed class NetworkPredictProperties
{
    [Property(MaxTest = 300)]
    public Property Predict_matches_NaiveMlp_forward() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), MlpCheck.PredictMatchesNaive);
}
