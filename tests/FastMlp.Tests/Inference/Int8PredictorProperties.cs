// Int8PredictorProperties: an Int8 Predictor against NaiveInt8, for random architectures, every legal activation
// pair and batches 1..70. Each layer's forward pass (Int8Weights.Forward, on the float input the previous fast layer
// gave) is checked against the twin on the same input: the twin quantizes that input and the weights by the same
// definitions (so the integers are the same, which Int8Tests proves), sums exactly and dequantizes in double, and
// the fast layer must lie within the bound that leaves: its integer core is exact, so only the float dequantize
// (float(acc) when |acc| > 2²⁴, s_r · scale_j, the product), the bias add and the activation round, and
// e_z ≤ γ₄ · (|acc · s_r · scale_j| + |b_j|); after the activation f, L_f · e_z plus f's own kernel error (the
// bound MlpErrorBound gives GELU's and SiLU's kernels, 20 ulps + 2⁻²⁰, taken for every transcendental f; LeakyReLU's
// slope product one rounding), Softmax y_j · (e^{2·max e_z} − 1) ≤ y_j · 2·max e_z · e^{2·max e_z} plus that kernel error. The Predictor's outputs are
// then the last layer's bit for bit, and PredictClasses the index of their largest. A row or a weight column with a
// NaN or ±∞ makes that row's or column's outputs NaN and leaves the others as they are.
using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Inference;

public sealed unsafe class Int8PredictorProperties
{
    private const double U = 1.0 / (1 << 24);

    [Property(MaxTest = 150)]
    public Property Int8_Predict_is_each_layer_of_the_twin_within_its_dequantize_rounding() =>
        Prop.ForAll(MlpGenerators.Arbitrary(MlpGenerators.AnyCases), Check);

    [Fact]
    public void A_row_with_a_NaN_or_an_infinity_gives_NaN_outputs_and_leaves_the_other_rows_alone()
    {
        Network network = Network.Create([37, 20, 5], Activation.Tanh, Activation.Identity, seed: 8);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 3, Precision = PredictorPrecision.Int8 });
        var random = new Random(8);
        float[] inputs = [.. Enumerable.Range(0, 3 * 37).Select(_ => (float)random.NextDouble())];
        float[] clean = new float[15];
        predictor.Predict(inputs, clean);
        foreach (float bad in (float[])[float.NaN, float.PositiveInfinity, float.NegativeInfinity])
        {
            float[] dirty = (float[])inputs.Clone(), got = new float[15];
            dirty[37 + 11] = bad;
            predictor.Predict(dirty, got);
            Assert.All(got.AsSpan(5, 5).ToArray(), y => Assert.True(float.IsNaN(y), $"{bad} in row 1 gave {y}"));
            MlpAssert.BitIdentical([.. clean.AsSpan(0, 5), .. clean.AsSpan(10, 5)], [.. got.AsSpan(0, 5), .. got.AsSpan(10, 5)], $"the clean rows beside a row holding {bad}");
        }
    }

    [Fact]
    public void A_weight_column_with_a_NaN_gives_that_column_NaN_and_leaves_the_others_alone()
    {
        Network network = Network.Create([9, 4], Activation.Identity, Activation.Identity, seed: 9);
        float[] inputs = [.. Enumerable.Range(0, 2 * 9).Select(i => (i % 5) - 2f)], clean = new float[8], got = new float[8];
        using (var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 2, Precision = PredictorPrecision.Int8 }))
        {
            predictor.Predict(inputs, clean);
        }

        network.Parameters[(5 * 4) + 2] = float.NaN;   // W[5, 2]
        using (var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 2, Precision = PredictorPrecision.Int8 }))
        {
            predictor.Predict(inputs, got);
        }

        for (int i = 0; i < 8; i++)
        {
            if (i % 4 == 2)
            {
                Assert.True(float.IsNaN(got[i]), $"output {i}: {got[i]}");
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(clean[i]), BitConverter.SingleToUInt32Bits(got[i]));
            }
        }
    }

    private static void Check(MlpTestCase t)
    {
        var data = MlpTestData.Create(t);
        Network network = MlpCheck.CreateNetwork(t, data);
        ParameterLayout layout = network.Layout;
        var weights = new Int8Weights(network);
        float[] x = data.Inputs;
        using (Workspace workspace = network.CreateWorkspace(t.Batch, 1))
        {
            for (int l = 0; l < layout.Layers; l++)
            {
                float[] y = new float[t.Batch * layout.Out(l)];
                workspace.Enter();
                try
                {
                    fixed (float* px = x, py = y)
                    {
                        weights.Forward(l, px, t.Batch, network.ParametersPointer, layout, network.ActivationOf(l), py, workspace);
                    }
                }
                finally
                {
                    workspace.Exit();
                }

                CheckLayer(network, l, x, y, t);
                x = y;
            }
        }

        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = t.Batch, MaxDegreeOfParallelism = t.Threads, Precision = PredictorPrecision.Int8 });
        float[] got = new float[t.Batch * t.OutputSize];
        predictor.Predict(data.Inputs, got);
        MlpAssert.BitIdentical(x, got, $"Int8 Predict against its layers chained, {t}");
        int[] classes = new int[t.Batch];
        predictor.PredictClasses(data.Inputs, classes);
        for (int r = 0; r < t.Batch; r++)
        {
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(got.AsSpan(r * t.OutputSize, t.OutputSize)), classes[r]);
        }
    }

    /// <summary>Layer l's fast outputs y for input x against the twin's dequantized layer on x, within the derived bound.</summary>
    private static void CheckLayer(Network network, int l, float[] x, float[] y, MlpTestCase t)
    {
        ParameterLayout layout = network.Layout;
        int k = layout.In(l), n = layout.Out(l), rows = t.Batch;
        ReadOnlySpan<float> w = network.Parameters.Slice(layout.WeightOffset(l), k * n), bias = network.Parameters.Slice(layout.BiasOffset(l), n);
        (sbyte[,] qx, float[] rowScales) = NaiveInt8.QuantizeRows(x, rows, k);
        (sbyte[,] qw, float[] columnScales) = NaiveInt8.QuantizeColumns(w, k, n);
        int[,] acc = NaiveInt8.Multiply(qx, qw);
        double[,] z = NaiveInt8.Dequantize(acc, rowScales, columnScales, bias);
        NaiveActivation f = MlpReference.ToNaive(network.ActivationOf(l));
        double[,] want = NaiveInt8.Activate(f, z);
        double gamma = 4 * U / (1 - (4 * U));
        for (int r = 0; r < rows; r++)
        {
            double largest = 0;
            var ez = new double[n];
            for (int j = 0; j < n; j++)
            {
                ez[j] = gamma * (Math.Abs(acc[r, j] * (double)rowScales[r] * columnScales[j]) + Math.Abs(bias[j]));
                largest = Math.Max(largest, ez[j]);
            }

            for (int j = 0; j < n; j++)
            {
                double v = want[r, j];
                double kernel = (40 * U * Math.Abs(v)) + (1.0 / (1 << 20));
                double bound = f switch
                {
                    NaiveActivation.Identity or NaiveActivation.Relu => ez[j],
                    NaiveActivation.LeakyRelu => ez[j] + (U * Math.Abs(v)),
                    NaiveActivation.Sigmoid => (0.25 * ez[j]) + kernel,
                    NaiveActivation.Tanh => ez[j] + kernel,
                    NaiveActivation.Gelu => (1.13 * ez[j]) + kernel,
                    NaiveActivation.Silu => (1.1 * ez[j]) + kernel,
                    _ => (Math.Abs(v) * 2 * largest * Math.Exp(2 * largest)) + kernel,
                };
                MlpAssert.Within($"Int8 layer {l + 1} ({f}) output [{r}, {j}], acc {acc[r, j]}", (r * n) + j, y[(r * n) + j], v, bound, t);
            }
        }
    }
}
