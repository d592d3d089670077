// OptimizerCheck: the properties the optimizer tests reduce to. For one OptimizerTestCase:
//   MatchesNaive: Steps consecutive FastMlp Steps (the learning rate set before each as the case says)
//     against the naive twin in double, parameters compared after every step within OptimizerErrorBound.
//   SameAlone: every element ends bit-identical to the same element stepped alone (a length-1 buffer, so
//     all scalar tail): no element's result depends on whether it fell in a vector body or the tail.
using FastMlp.Reference;

using FsCheck;
using FsCheck.Fluent;

namespace FastMlp.Tests.Infrastructure;

internal static class OptimizerCheck
{
    /// <summary>The check; a case whose bound says nothing (OptimizerErrorBound.IllConditioned) is discarded.</summary>
    public static Property MatchesNaive(OptimizerTestCase t)
    {
        var data = OptimizerTestData.Create(t);
        var bound = new OptimizerErrorBound(t, data.Parameters);
        var bounds = new double[t.Steps][];
        for (int s = 0; s < t.Steps; s++)
        {
            bound.Step(data.Gradients[s], data.Rates[s]);
            bounds[s] = bound.Bounds();
        }

        return Prop.When(!bound.IllConditioned, () =>
        {
            IAdjustableOptimizer optimizer = t.Create();
            INaiveOptimizer naive = t.CreateNaive();
            float[] got = (float[])data.Parameters.Clone();
            double[] want = [.. data.Parameters.Select(p => (double)p)];
            for (int s = 0; s < t.Steps; s++)
            {
                optimizer.LearningRate = data.Rates[s];
                naive.LearningRate = data.Rates[s];
                optimizer.Step(data.Gradients[s], got);
                naive.Step([.. data.Gradients[s].Select(g => (double)g)], want);
                MlpAssert.Within($"Parameters after step {s + 1}", got, want, bounds[s], t);
            }
        });
    }

    public static void SameAlone(OptimizerTestCase t)
    {
        var data = OptimizerTestData.Create(t);
        float[] together = Run(t, data, 0, t.Length);
        float[] alone = new float[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            alone[i] = Run(t, data, i, 1)[0];
        }

        MlpAssert.BitIdentical(alone, together, $"Stepped together vs alone ({t})");
    }

    /// <summary>The case's steps on the elements [start, start + count) only.</summary>
    private static float[] Run(OptimizerTestCase t, OptimizerTestData data, int start, int count)
    {
        IAdjustableOptimizer optimizer = t.Create();
        float[] parameters = data.Parameters.AsSpan(start, count).ToArray();
        for (int s = 0; s < t.Steps; s++)
        {
            optimizer.LearningRate = data.Rates[s];
            optimizer.Step(data.Gradients[s].AsSpan(start, count), parameters);
        }

        return parameters;
    }
}
