// PerLayerActivationTests: a network with one activation per layer (Network.Create(sizes, activations, seed)).
//   - FsCheck over random architectures with a random activation on each layer (Softmax only on the output): Predict
//     and one Trainer.Step's gradients against NaiveMlp built with the same per-layer activations (a case with a ReLU
//     input within 1e-4 of the kink is skipped, where float and double may take different sides).
//   - Activations lists every layer's; the two-activation Create gives [hidden, ..., output] and the same weights as
//     the per-layer Create with that list; HiddenActivation answers when the hidden layers agree and throws when not.
//   - Saved and loaded: a mixed network round-trips (format_version 2, "activations"); a uniform one is still written
//     as version 1; a version-2 file whose activations do not fit its layers is refused.
//   - Bad arguments (a count that does not match, Softmax on a hidden layer, a value that is no Activation) throw
//     ArgumentException naming activations.
using System.Text;

using FastMlp.Reference;
using FastMlp.Tests.Infrastructure;

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastMlp.Tests.Model;

public sealed class PerLayerActivationTests
{
    private static Gen<MixedCase> Cases { get; } =
        from sizes in Gen.Choose(2, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 12), n))
        from hidden in Gen.ArrayOf(Gen.Elements(MlpGenerators.HiddenActivations), sizes.Length - 2)
        from output in Gen.Elements([.. MlpGenerators.HiddenActivations, Activation.Softmax])
        from batch in Gen.Choose(1, 5)
        from seed in Gen.Choose(0, 10_000)
        select new MixedCase(sizes, [.. hidden, output], batch, seed);

    [Property(MaxTest = 100)]
    public Property A_mixed_network_predicts_and_trains_as_the_naive_twin() => Prop.ForAll(Arb.From(Cases), AssertMatches);

    [Fact]
    public void Activations_and_HiddenActivation_describe_the_layers()
    {
        Network classic = Network.Create([4, 5, 6, 3], Activation.Tanh, Activation.Softmax, seed: 2);
        Assert.Equal([Activation.Tanh, Activation.Tanh, Activation.Softmax], classic.Activations);
        Network perLayer = Network.Create([4, 5, 6, 3], [Activation.Tanh, Activation.Tanh, Activation.Softmax], seed: 2);
        Assert.Equal(Activation.Tanh, perLayer.HiddenActivation);
        MlpAssert.BitIdentical(classic.Parameters.ToArray(), perLayer.Parameters.ToArray(), "initial weights of the two Creates");

        Network mixed = Network.Create([4, 5, 6, 3], [Activation.Relu, Activation.Tanh, Activation.Sigmoid], seed: 2);
        Assert.Equal([Activation.Relu, Activation.Tanh, Activation.Sigmoid], mixed.Activations);
        Assert.Equal(Activation.Sigmoid, mixed.OutputActivation);
        Assert.Contains("Activations", Assert.Throws<InvalidOperationException>(() => mixed.HiddenActivation).Message, StringComparison.Ordinal);
        Assert.Equal(Activation.Identity, Network.Create([4, 3], [Activation.Sigmoid], seed: 1).HiddenActivation);
    }

    [Fact]
    public void A_mixed_network_round_trips_as_version_2_and_a_uniform_one_stays_version_1()
    {
        Network mixed = Network.Create([3, 4, 5, 2], [Activation.Relu, Activation.Sigmoid, Activation.Softmax], seed: 5);
        byte[] file = Save(mixed);
        Assert.Contains("\"format_version\":\"2\"", Header(file), StringComparison.Ordinal);
        Assert.Contains("\"activations\":\"Relu,Sigmoid,Softmax\"", Header(file), StringComparison.Ordinal);
        Network loaded = Network.Load(new MemoryStream(file));
        Assert.Equal(mixed.Activations, loaded.Activations);
        MlpAssert.BitIdentical(mixed.Parameters.ToArray(), loaded.Parameters.ToArray(), "parameters after the round trip");

        string uniform = Header(Save(Network.Create([3, 4, 2], [Activation.Tanh, Activation.Identity], seed: 5)));
        Assert.Contains("\"format_version\":\"1\"", uniform, StringComparison.Ordinal);
        Assert.DoesNotContain("\"activations\"", uniform, StringComparison.Ordinal);

        foreach ((string from, string to) in new[] { ("Relu,Sigmoid,Softmax", "Relu,Softmax"), ("Relu,Sigmoid,Softmax", "Softmax,Sigmoid,Softmax") })
        {
            byte[] edited = WithHeader(file, Header(file).Replace(from, to, StringComparison.Ordinal));
            var refused = Assert.Throws<ModelFormatException>(() => Network.Load(new MemoryStream(edited)));
            Assert.Equal(ModelFormatError.InvalidArchitecture, refused.Reason);
        }
    }

    [Fact]
    public void Bad_activation_lists_are_refused_naming_activations()
    {
        Assert.Equal("activations", Assert.ThrowsAny<ArgumentException>(() => Network.Create([3, 4, 2], [Activation.Relu], seed: 1)).ParamName);
        Assert.Equal("activations", Assert.ThrowsAny<ArgumentException>(() => Network.Create([3, 4, 2], [Activation.Softmax, Activation.Identity], seed: 1)).ParamName);
        Assert.Equal("activations", Assert.ThrowsAny<ArgumentException>(() => Network.Create([3, 4, 2], [Activation.Relu, (Activation)99], seed: 1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Network.Create([3, 4, 2], (IReadOnlyList<Activation>)null!, seed: 1));
    }

    private static void AssertMatches(MixedCase t)
    {
        Network network = Network.Create(t.Sizes, t.Activations, t.Seed);
        NaiveMlp mlp = new(t.Sizes, [.. t.Activations.Select(MlpReference.ToNaive)]);
        double[] theta = MlpReference.ToDouble(network.Parameters);
        var random = new Random(t.Seed);
        int nIn = t.Sizes[0], nOut = t.Sizes[^1];
        float[] inputs = [.. Enumerable.Range(0, t.Batch * nIn).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] targets = [.. Enumerable.Range(0, t.Batch * nOut).Select(_ => (float)random.NextDouble())];
        double[] x = MlpReference.ToDouble(inputs), y = MlpReference.ToDouble(targets);
        NaiveForwardPass forward = mlp.Forward(theta, x, t.Batch);
        if (NearReluKink(t.Activations, forward))
        {
            return;   // float and double may fall on different sides of ReLU's kink (as MlpCheck skips them)
        }

        float[] predicted = new float[t.Batch * nOut];
        using (Workspace workspace = network.CreateWorkspace(t.Batch, maxDegreeOfParallelism: 1))
        {
            network.Predict(inputs, predicted, workspace);
        }
        double[] want = MlpReference.Flatten(forward.Output);
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(Math.Abs(predicted[i] - want[i]) <= 1e-4 * Math.Max(1, Math.Abs(want[i])), $"{t}: output {i} = {predicted[i]}, naive {want[i]}");
        }

        using var trainer = new Trainer(network, Loss.MeanSquaredError, new Sgd(0.01f), t.Batch, maxDegreeOfParallelism: 1) { KeepsGradients = true };
        trainer.Step(inputs, targets);
        double[] naive = mlp.Backward(theta, forward, NaiveLoss.MeanSquaredError, y).GradientsCopy();
        double scale = Math.Max(1e-3, naive.Max(Math.Abs));
        ReadOnlySpan<float> got = trainer.Gradients;
        for (int p = 0; p < naive.Length; p++)
        {
            Assert.True(Math.Abs(got[p] - naive[p]) <= 1e-4 * scale, $"{t}: gradient {p} = {got[p]}, naive {naive[p]}");
        }
    }

    /// <summary>Whether a ReLU layer's pre-activation is within 1e-4 of 0 for some sample and unit.</summary>
    private static bool NearReluKink(Activation[] activations, NaiveForwardPass forward)
    {
        for (int l = 0; l < activations.Length; l++)
        {
            if (activations[l] is Activation.Relu or Activation.LeakyRelu && MlpReference.Flatten(forward.Z(l + 1)).Any(z => Math.Abs(z) < 1e-4))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Save(Network network)
    {
        var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    /// <summary>The file with its header replaced (padded with spaces to 8 bytes) and the length prefix to match.</summary>
    private static byte[] WithHeader(byte[] file, string header)
    {
        int oldLength = (int)BitConverter.ToUInt64(file, 0);
        byte[] json = Encoding.UTF8.GetBytes(header.TrimEnd(' '));
        int padded = (json.Length + 7) & ~7;
        var result = new byte[8 + padded + (file.Length - 8 - oldLength)];
        BitConverter.GetBytes((ulong)padded).CopyTo(result, 0);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        file.AsSpan(8 + oldLength).CopyTo(result.AsSpan(8 + padded));
        return result;
    }

    private static string Header(byte[] file) => Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));

    private sealed record MixedCase(int[] Sizes, Activation[] Activations, int Batch, int Seed)
    {
        public override string ToString() => $"[{string.Join("-", Sizes)}] {string.Join("/", Activations)}, batch {Batch}, seed {Seed}";
    }
}
