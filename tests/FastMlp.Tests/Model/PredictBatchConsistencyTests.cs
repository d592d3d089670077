// PredictBatchConsistencyTests: a sample's outputs do not depend on the batch it is predicted in. Every
// row of Predict on a batch is bit-identical to Predict of that row alone (batch 1 takes the GEMV row
// path, larger batches the tile path, each batch with its own edge tiles, row blocks and split between
// workers; the GEMM is built so each element sees the same arithmetic on all of them), with 1, 2 or
// all threads for the batch.
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model;

public sealed class PredictBatchConsistencyTests
{
    public static TheoryData<int[], Activation, Activation> Architectures() => new()
    {
        { [784, 256, 128, 10], Activation.Relu, Activation.Softmax },
        { [13, 37, 5], Activation.Tanh, Activation.Sigmoid },
        { [3, 65, 17, 9], Activation.Sigmoid, Activation.Identity },
        { [70, 1, 70], Activation.Relu, Activation.Relu },
        { [1, 33, 2], Activation.Identity, Activation.Softmax },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Batch_rows_equal_single_sample_predictions_bit_for_bit(int[] sizes, Activation hidden, Activation output)
    {
        foreach (int threads in new[] { 1, 2, -1 })
        {
            foreach (int batch in new[] { 2, 3, 5, 6, 7, 8, 12, 13, 16, 31, 64, 65, 145, 150 })
            {
                AssertRowsMatchSingles(sizes, hidden, output, batch, threads, seed: batch);
            }
        }
    }

    [Property(MaxTest = 200)]
    public Property Random_architectures_and_batches_agree_row_by_row() =>
        Prop.ForAll(
            MlpGenerators.Arbitrary(MlpGenerators.AnyCases),
            t => AssertRowsMatchSingles(t.Sizes, t.Hidden, t.Output, t.Batch, t.Threads, t.Seed));

    private static void AssertRowsMatchSingles(int[] sizes, Activation hidden, Activation output, int batch, int threads, int seed)
    {
        var t = new MlpTestCase(sizes, hidden, output, Loss.MeanSquaredError, batch, MlpTargets.Unit, 1, threads, seed);
        var data = MlpTestData.Create(t);
        Network network = MlpCheck.CreateNetwork(t, data);
        int nIn = network.InputSize, nOut = network.OutputSize;

        float[] outputs = new float[batch * nOut];
        using (Workspace workspace = network.CreateWorkspace(batch, threads))
        {
            network.Predict(data.Inputs, outputs, workspace);
        }

        using Workspace single = network.CreateWorkspace(1, 1);
        float[] row = new float[nOut];
        for (int b = 0; b < batch; b++)
        {
            network.Predict(data.Inputs.AsSpan(b * nIn, nIn), row, single);
            MlpAssert.BitIdentical(row, outputs.AsSpan(b * nOut, nOut), $"{t}: row {b} of the batch");
        }
    }
}
