// OnnxInt8Tests: the peer suite's int8 ONNX graph (perf/FastMlp.Peers OnnxInt8ModelWriter), in each of its three
// forms, loads and runs in ONNX Runtime and computes what the writer says.
// - Exactly: on a one-layer network whose weights are int8 steps of a power-of-two scale (each column's largest
//   |W| is 127 steps, so the per-column scale max|W| / 127 comes back exact) and whose inputs are 0..255 steps of 2^-8
//   (DynamicQuantizeLinear's scale (max − 0) / 255 is then 2^-8 and its zero point 0), nothing rounds: the int32
//   products, the scales and the bias are exact in float (the sums stay under 2^24 steps), so ORT's int8 outputs are
//   FastMlp's float outputs bit for bit. A wrong layout (W transposed), scale (per row instead of per column, /128) or
//   zero point moves them by whole steps.
// - Within ReducedPrecisionError's tolerance (6 σ of its rounding-error model) of FastMlp's float probabilities on the
//   W3 network (784-256-128-10 ReLU/Softmax, seed 0, the benchmarks' inputs) at batch 1 and 64, as the benchmarks'
//   agreement check requires before timing; FastMlp's Int8 Predictor too, and the two int8 paths within twice it of
//   each other. That check catches a wrong network (another seed's moves these probabilities by 0.47, the tolerance
//   is about 0.017), not a subtle quantization slip (each column given another column's scale passes it): the
//   exact test is the one that pins the graph down.
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FastMlp.Peers.Tests;

public sealed class OnnxInt8Tests
{
    /// <summary>The graph forms by name (Int8Graph is internal to the suite, and xunit's theory parameters are public).</summary>
    public static TheoryData<string> Graphs => [.. Enum.GetNames<Int8Graph>()];

    public static TheoryData<string, int> GraphsAndBatches => new()
    {
        { nameof(Int8Graph.MatMulInteger), 1 },
        { nameof(Int8Graph.MatMulIntegerToFloat), 1 },
        { nameof(Int8Graph.DynamicQuantizeMatMul), 1 },
        { nameof(Int8Graph.DynamicQuantizeMatMul), 64 },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void On_weights_and_inputs_that_int8_holds_exactly_the_graph_gives_FastMlps_float_outputs_bit_for_bit(string graph)
    {
        const int Inputs = 24, Outputs = 7, Batch = 5;
        var random = new Random(16);
        Network network = Network.Create([Inputs, Outputs], Activation.Relu, Activation.Identity, seed: 0);
        Span<float> parameters = network.Parameters;
        for (int j = 0; j < Outputs; j++)
        {
            // Column j: steps of 2^-(6 + j) in [−127, 127], one of them ±127 so the column's scale is that step.
            float step = MathF.ScaleB(1f, -6 - j);
            int extreme = random.Next(Inputs);
            for (int i = 0; i < Inputs; i++)
            {
                int q = i == extreme ? (random.Next(2) == 0 ? 127 : -127) : random.Next(-127, 128);
                parameters[(i * Outputs) + j] = q * step;
            }
        }

        for (int j = 0; j < Outputs; j++)
        {
            parameters[(Inputs * Outputs) + j] = random.Next(-1000, 1000) * MathF.ScaleB(1f, -14);
        }

        // Inputs: 0..255 steps of 2^-8, the largest 255 steps, so DynamicQuantizeLinear's scale is 2^-8 and its zero point 0.
        float[] inputs = [.. Enumerable.Range(0, Batch * Inputs).Select(_ => random.Next(256) / 256f)];
        inputs[random.Next(inputs.Length)] = 255 / 256f;

        float[] expected = Predict(network, inputs, Batch);
        float[] actual = RunOnnxRuntime(OnnxInt8ModelWriter.Write(network, Enum.Parse<Int8Graph>(graph)), inputs, Batch, Inputs, Outputs);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(GraphsAndBatches))]
    public void On_the_W3_network_the_graph_agrees_with_FastMlps_float_probabilities_within_the_int8_tolerance(string graph, int batch)
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        float[] inputs = NetworkData.Inputs(batch, network.InputSize);
        float[] expected = Predict(network, inputs, batch);
        float[] actual = RunOnnxRuntime(OnnxInt8ModelWriter.Write(network, Enum.Parse<Int8Graph>(graph)), inputs, batch, network.InputSize, network.OutputSize);

        double tolerance = ReducedPrecisionError.Tolerance(network, inputs, batch, PredictorPrecision.Int8);
        Assert.True(Agreement.Compare(expected, actual, tolerance) is null, $"{graph}, batch {batch}: {Agreement.Compare(expected, actual, tolerance)}");
        // Not trivially so: int8 moves the probabilities (a float graph would agree to 1e-7).
        Assert.True(Agreement.Compare(expected, actual, 1e-5) is not null, $"{graph}, batch {batch}: the int8 graph's probabilities equal the float ones to 1e-5.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void On_the_W3_network_FastMlps_int8_Predictor_and_the_graph_agree_with_each_other_and_with_Float32_within_the_int8_tolerance(int batch)
    {
        Network network = Network.Create(NetworkData.MnistShaped, Activation.Relu, Activation.Softmax, seed: 0);
        float[] inputs = NetworkData.Inputs(batch, network.InputSize);
        float[] expected = Predict(network, inputs, batch);
        var predictor = new float[expected.Length];
        using (var int8 = Predictor.Create(network, new PredictorOptions { MaxBatch = batch, Precision = PredictorPrecision.Int8 }))
        {
            int8.Predict(inputs, predictor);
        }

        float[] ort = RunOnnxRuntime(OnnxInt8ModelWriter.Write(network, Int8Graph.DynamicQuantizeMatMul), inputs, batch, network.InputSize, network.OutputSize);
        double tolerance = ReducedPrecisionError.Tolerance(network, inputs, batch, PredictorPrecision.Int8);
        Assert.True(Agreement.Compare(expected, predictor, tolerance) is null, $"Int8 Predictor vs Float32, batch {batch}: {Agreement.Compare(expected, predictor, tolerance)}");
        // Each lies within the tolerance of Float32, so within twice it of the other.
        Assert.True(Agreement.Compare(predictor, ort, 2 * tolerance) is null, $"ONNX Runtime int8 vs the Int8 Predictor, batch {batch}: {Agreement.Compare(predictor, ort, 2 * tolerance)}");
    }

    [Fact]
    public void QuantizePerColumn_scales_each_column_by_its_largest_magnitude_over_127_and_rounds_half_to_even()
    {
        // W [2, 3]: column 0 max 2.54 → scale 0.02; column 1 all zero → scale 1; column 2 max 1.27 → scale 0.01.
        float[] w = [2.54f, 0f, -1.27f, 0.03f, 0f, 0.005f];
        (sbyte[] q, float[] scales) = OnnxInt8ModelWriter.QuantizePerColumn(w, 2, 3);
        Assert.Equal([2.54f / 127, 1f, 1.27f / 127], scales);
        Assert.Equal([127, 0, -127, (sbyte)Math.Round(0.03f / scales[0], MidpointRounding.ToEven), 0, (sbyte)Math.Round(0.005f / scales[2], MidpointRounding.ToEven)], q);
        Assert.Equal([127, 0, -127, 2, 0, 0], q.Select(v => (int)v));   // 0.03 / 0.02 = 1.5 → 2; 0.005 / 0.01 = 0.5 → 0 (to even)
    }

    private static float[] Predict(Network network, float[] inputs, int batch)
    {
        var outputs = new float[batch * network.OutputSize];
        using Workspace workspace = network.CreateWorkspace(batch);
        network.Predict(inputs, outputs, workspace);
        return outputs;
    }

    private static float[] RunOnnxRuntime(byte[] model, float[] inputs, int batch, int features, int outputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var input = new DenseTensor<float>(inputs, [batch, features]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelWriter.InputName, input)]);
        float[] values = [.. results.Single().AsEnumerable<float>()];
        Assert.Equal(batch * outputs, values.Length);
        return values;
    }
}
