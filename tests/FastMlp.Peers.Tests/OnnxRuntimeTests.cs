// OnnxRuntimeTests: ONNX Runtime runs the graph Network.SaveOnnx writes and gives FastMlp's outputs, within the
// float rounding both may commit. The bound is derived, not tuned: a double forward pass over the same float
// parameters and inputs gives each value exactly enough, and carries e, a bound on how far a float computation of
// that value (either library's, in any summation order, with or without FMA) may lie from it (Higham 3.1):
//   e_z = γ(k + 1)·(Σ_i |a_i·W_ij| + |b_j|) + Σ_i e_ai·|W_ij|       (Gemm with k = inputs, then the bias)
//   e_a = L·e_z + K                                                 (L: the activation's Lipschitz constant)
// K, the activation kernel's own error, is 64u·(|y| + |z|) + 2^-20: FastMlp's kernels measure under 10 ulps and
// 2^-21 absolute (tests/FastMlp.Tests ElementwiseForwardTests), and ORT's GELU runs five rounded operators whose
// error scales with |z| (0.5·z·(1 + erf) near erf = −1). Softmax: e_y = y·(2·max_k e_zk + 16u) + 2^-126.
// Both results lie within e of the exact one, so they lie within 2e of each other; the test asserts that.
// The exporters' fixtures (FastMlp.Tests/Model/Onnx/Fixtures) run through ONNX Runtime and through LoadOnnx's
// network agree within the same bound.
// A wrong layout (W transposed), a wrong constant (GELU's √2, LeakyRelu's slope) or a wrong softmax axis moves an
// output by about |a·W| or more, orders of magnitude above this bound.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FastMlp.Peers.Tests;

public sealed class OnnxRuntimeTests
{
    private const double U = 1.0 / (1 << 24);

    private static readonly Activation[] s_elementwise =
        [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Gelu, Activation.Silu];

    /// <summary>A random architecture (1-4 layers of 1-12 units), per-layer activations (any for the output, Softmax included), weights seed, batch and inputs.</summary>
    public static Arbitrary<OnnxCase> Cases() => Gen.Choose(2, 5)
        .SelectMany(count => Gen.ArrayOf(Gen.Choose(1, 12), count))
        .SelectMany(sizes => Gen.ArrayOf(Gen.Elements(s_elementwise), sizes.Length - 1)
            .SelectMany(activations => Gen.Elements([.. s_elementwise, Activation.Softmax])
                .SelectMany(output => Gen.Choose(1, 8)
                    .SelectMany(batch => Gen.Choose(0, int.MaxValue)
                        .Select(seed => new OnnxCase(sizes, [.. activations[..^1], output], batch, seed))))))
        .ToArbitrary();

    [Property(MaxTest = 150, Arbitrary = [typeof(OnnxRuntimeTests)])]
    public void OnnxRuntime_runs_the_saved_graph_to_FastMlps_outputs_within_twice_the_float_rounding_bound(OnnxCase c)
    {
        Network network = Network.Create(c.Sizes, c.Activations, c.Seed);
        var random = new Random(c.Seed);
        float[] inputs = [.. Enumerable.Range(0, c.Batch * c.Sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2))];

        var fast = new float[c.Batch * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(c.Batch))
        {
            network.Predict(inputs, fast, workspace);
        }

        float[] ort = RunOnnxRuntime(network, inputs, c.Batch);
        double[] bound = Bound(network, inputs, c.Batch);
        for (int i = 0; i < fast.Length; i++)
        {
            double difference = Math.Abs((double)ort[i] - fast[i]);
            Assert.True(difference <= 2 * bound[i], $"{c}: output {i}: ONNX Runtime {ort[i]:R}, FastMlp {fast[i]:R}, |difference| {difference:E3} > 2 × bound {bound[i]:E3}.");
        }
    }

    [Fact]
    public void The_saved_graph_declares_opset_13_and_a_symbolic_batch_dimension()
    {
        Network network = Network.Create([3, 4, 2], Activation.Gelu, Activation.Softmax, seed: 1);
        using var session = new InferenceSession(Save(network));
        Assert.Equal(["input"], session.InputMetadata.Keys);
        Assert.Equal(["output"], session.OutputMetadata.Keys);
        Assert.Equal([-1, 3], session.InputMetadata["input"].Dimensions);
        Assert.Equal("N", session.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal([-1, 2], session.OutputMetadata["output"].Dimensions);

        // Batches of different sizes through the one session.
        foreach (int batch in new[] { 1, 5 })
        {
            Assert.Equal(batch * 2, RunOnnxRuntime(network, new float[batch * 3], batch).Length);
        }
    }

    /// <summary>The exporters' fixtures (FastMlp.Tests/Model/Onnx/Fixtures), copied beside the tests.</summary>
    public static TheoryData<string> Fixtures() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "OnnxFixtures"), "*.onnx").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void OnnxRuntime_runs_each_exporter_fixture_to_LoadOnnxs_outputs_within_twice_the_float_rounding_bound(string fixture)
    {
        byte[] model = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "OnnxFixtures", fixture));
        Network network = Network.LoadOnnx(new MemoryStream(model));
        const int Batch = 6;
        var random = new Random(fixture.Length);
        float[] inputs = [.. Enumerable.Range(0, Batch * network.InputSize).Select(_ => (float)((random.NextDouble() * 4) - 2))];

        var fast = new float[Batch * network.OutputSize];
        using (Workspace workspace = network.CreateWorkspace(Batch))
        {
            network.Predict(inputs, fast, workspace);
        }

        float[] ort = RunOnnxRuntime(model, inputs, Batch, network.InputSize);
        double[] bound = Bound(network, inputs, Batch);
        Assert.Equal(fast.Length, ort.Length);
        for (int i = 0; i < fast.Length; i++)
        {
            double difference = Math.Abs((double)ort[i] - fast[i]);
            Assert.True(difference <= 2 * bound[i], $"{fixture}: output {i}: ONNX Runtime {ort[i]:R}, FastMlp {fast[i]:R}, |difference| {difference:E3} > 2 × bound {bound[i]:E3}.");
        }
    }

    private static byte[] Save(Network network)
    {
        using var stream = new MemoryStream();
        network.SaveOnnx(stream);
        return stream.ToArray();
    }

    private static float[] RunOnnxRuntime(Network network, float[] inputs, int batch) => RunOnnxRuntime(Save(network), inputs, batch, network.InputSize);

    /// <summary>ONNX Runtime's outputs of <paramref name="model"/> for <paramref name="inputs"/> [batch, features], fed to the graph's one input whatever its name.</summary>
    private static float[] RunOnnxRuntime(byte[] model, float[] inputs, int batch, int features)
    {
        using var session = new InferenceSession(model);
        var input = new DenseTensor<float>(inputs, [batch, features]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        return [.. results.Single().AsEnumerable<float>()];
    }

    /// <summary>The bound e on each output (see the header), from a double forward pass.</summary>
    internal static double[] Bound(Network network, float[] inputs, int batch)
    {
        ReadOnlySpan<float> theta = network.Parameters;
        IReadOnlyList<int> sizes = network.LayerSizes;
        double[] a = [.. inputs.Select(v => (double)v)];
        var ea = new double[a.Length];
        int offset = 0;
        for (int l = 1; l < sizes.Count; l++)
        {
            int k = sizes[l - 1], n = sizes[l];
            Activation f = network.Activations[l - 1];
            var z = new double[batch * n];
            var ez = new double[batch * n];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < n; j++)
                {
                    double bias = theta[offset + (k * n) + j], sum = bias, magnitude = Math.Abs(bias), propagated = 0;
                    for (int i = 0; i < k; i++)
                    {
                        double w = theta[offset + (i * n) + j];
                        sum += a[(b * k) + i] * w;
                        magnitude += Math.Abs(a[(b * k) + i] * w);
                        propagated += ea[(b * k) + i] * Math.Abs(w);
                    }

                    z[(b * n) + j] = sum;
                    ez[(b * n) + j] = (Gamma(k + 1) * magnitude) + propagated;
                }
            }

            (a, ea) = Activate(f, z, ez, batch, n);
            offset += (k * n) + n;
        }

        return ea;
    }

    private static (double[] Y, double[] Ey) Activate(Activation f, double[] z, double[] ez, int batch, int n)
    {
        var y = new double[z.Length];
        var ey = new double[z.Length];
        if (f == Activation.Softmax)
        {
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<double> row = z.AsSpan(b * n, n);
                double max = double.NegativeInfinity, total = 0, worst = 0;
                for (int j = 0; j < n; j++)
                {
                    max = Math.Max(max, row[j]);
                    worst = Math.Max(worst, ez[(b * n) + j]);
                }

                for (int j = 0; j < n; j++)
                {
                    total += Math.Exp(row[j] - max);
                }

                for (int j = 0; j < n; j++)
                {
                    y[(b * n) + j] = Math.Exp(row[j] - max) / total;
                    ey[(b * n) + j] = (y[(b * n) + j] * ((2 * worst) + (16 * U))) + 1.1754943508222875e-38;
                }
            }

            return (y, ey);
        }

        for (int i = 0; i < z.Length; i++)
        {
            double v = z[i];
            (y[i], double lipschitz) = f switch
            {
                Activation.Identity => (v, 1.0),
                Activation.Relu => (Math.Max(v, 0), 1.0),
                Activation.LeakyRelu => (v > 0 ? v : 0.01 * v, 1.0),
                Activation.Sigmoid => (1 / (1 + Math.Exp(-v)), 0.25),
                Activation.Tanh => (Math.Tanh(v), 1.0),
                Activation.Silu => (v / (1 + Math.Exp(-v)), 1.1),
                Activation.Gelu => (0.5 * v * (1 + Erf(v / Math.Sqrt(2))), 1.13),
                _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
            };
            ey[i] = (lipschitz * ez[i]) + (64 * U * (Math.Abs(y[i]) + Math.Abs(v))) + (1.0 / (1 << 20));
        }

        return (y, ey);
    }

    /// <summary>erf to about 1e-7 (Abramowitz and Stegun 7.1.26, 1.5e-7 absolute), far below the bound's 2^-20 term.</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        double poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        double r = 1 - (poly * Math.Exp(-x * x));
        return x >= 0 ? r : -r;
    }

    private static double Gamma(int k) => k * U / (1 - (k * U));

    public sealed record OnnxCase(int[] Sizes, Activation[] Activations, int Batch, int Seed)
    {
        public override string ToString() => $"sizes [{string.Join(", ", Sizes)}], activations [{string.Join(", ", Activations)}], batch {Batch}, seed {Seed}";
    }
}
