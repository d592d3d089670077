// PredictorTests: the snapshot rule, loading from a model file, every bad input refused before anything is
// written, Dispose (calls after it refused, twice harmless), and 0 bytes per warm call at batch 1, 8, 64
// and 256 on 1 and 2 threads (every one of the counted calls, the pool's worker threads included), and a 2-thread
// predictor's outputs the bits of a 1-thread one's at batch 8 and 64 with its products really split (the pool's
// SplitJobs), each at Float32, BFloat16 and Int8; values outside the enum refused by Create and Load, and at Int8 a layer too deep
// for exact int32 sums refused by Create.
using FastMlp.Tests.Infrastructure;

namespace FastMlp.Tests.Inference;

// Alone (SerialTestGroup), as TrainerAllocationTests: the GEMM's packing contexts come from one pool per process, and
// a parallel test holding every pooled context at the moment of a counted call makes that call build one (104 bytes;
// seen once in CI, PredictAllocationTests [784-256-128-10] batch 62 under DOTNET_EnableAVX512=0).
[Collection(SerialTestGroup.Name)]
public sealed class PredictorTests
{
    private static readonly int[] s_sizes = [784, 256, 128, 10];

    public static TheoryData<PredictorPrecision> Precisions => [PredictorPrecision.Float32, PredictorPrecision.BFloat16, PredictorPrecision.Int8];

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Later_changes_to_the_network_do_not_change_the_predictor(PredictorPrecision precision)
    {
        Network network = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, seed: 3);
        float[] inputs = Inputs(4), before = new float[40], after = new float[40];
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 4, Precision = precision });
        predictor.Predict(inputs, before);

        network.Parameters.Fill(0.5f);
        predictor.Predict(inputs, after);

        MlpAssert.BitIdentical(before, after, "the predictor's outputs after the network's parameters changed");
        using Workspace workspace = network.CreateWorkspace(4);
        network.Predict(inputs, after, workspace);
        Assert.NotEqual(before, after);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Load_reads_a_model_file_from_a_stream_and_a_path(PredictorPrecision precision)
    {
        Network network = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, seed: 4);
        float[] inputs = Inputs(3), want = new float[30], fromStream = new float[30], fromPath = new float[30];
        var options = new PredictorOptions { MaxBatch = 3, Precision = precision };
        using (var created = Predictor.Create(network, options))
        {
            created.Predict(inputs, want);
        }

        using var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        using (var predictor = Predictor.Load(stream, options))
        {
            predictor.Predict(inputs, fromStream);
        }

        string path = Path.Combine(Path.GetTempPath(), $"fastmlp-predictor-{Guid.NewGuid():N}.safetensors");
        try
        {
            network.Save(path);
            using var predictor = Predictor.Load(path, options);
            predictor.Predict(inputs, fromPath);
        }
        finally
        {
            File.Delete(path);
        }

        MlpAssert.BitIdentical(want, fromStream, "Predictor.Load(stream)");
        MlpAssert.BitIdentical(want, fromPath, "Predictor.Load(path)");
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Network network = Network.Create([3, 2], Activation.Identity, Activation.Identity, seed: 0);
        Assert.Throws<ArgumentNullException>(() => Predictor.Create(null!));
        Assert.Contains("MaxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Create(network, new PredictorOptions { MaxBatch = 0 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Create(network, new PredictorOptions { MaxDegreeOfParallelism = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Create(network, new PredictorOptions { MaxDegreeOfParallelism = -2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Load(new MemoryStream(), new PredictorOptions { MaxBatch = -1 }));
        Assert.Contains("Precision", Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Create(network, new PredictorOptions { Precision = (PredictorPrecision)3 })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Create(network, new PredictorOptions { Precision = (PredictorPrecision)(-1) }));
    }

    [Fact]
    public void Int8_refuses_a_layer_whose_int32_sums_could_overflow_and_takes_the_deepest_that_cannot()
    {
        // 133,144 · 127² = 2,147,479,576 ≤ 2³¹ − 1 < 133,145 · 127² = 2,147,495,705.
        Network deepest = Network.Create([133_144, 1], Activation.Identity, Activation.Identity, seed: 0);
        using (Predictor.Create(deepest, new PredictorOptions { Precision = PredictorPrecision.Int8 }))
        {
        }

        Network tooDeep = Network.Create([133_145, 1], Activation.Identity, Activation.Identity, seed: 0);
        var e = Assert.Throws<ArgumentException>(() => Predictor.Create(tooDeep, new PredictorOptions { Precision = PredictorPrecision.Int8 }));
        Assert.Equal("network", e.ParamName);
        Assert.Contains("133145 inputs", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 133144", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Precision_is_the_one_asked_for_and_Float32_by_default(PredictorPrecision precision)
    {
        Network network = Network.Create([3, 2], Activation.Identity, Activation.Identity, seed: 0);
        using var asked = Predictor.Create(network, new PredictorOptions { Precision = precision });
        using var byDefault = Predictor.Create(network);
        Assert.Equal(precision, asked.Precision);
        Assert.Equal(PredictorPrecision.Float32, byDefault.Precision);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Bad_inputs_are_refused_and_nothing_is_written(PredictorPrecision precision)
    {
        Network network = Network.Create([3, 4, 2], Activation.Tanh, Activation.Identity, seed: 0);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 2, Precision = precision });
        float[] outputs = [7, 7, 7, 7];
        int[] classes = [7, 7];

        AssertRefused("inputs", () => predictor.Predict([], outputs), "not a whole batch");
        AssertRefused("inputs", () => predictor.Predict(new float[4], outputs), "not a whole batch");
        AssertRefused("inputs", () => predictor.Predict(new float[9], new float[6]), "at most 2");
        AssertRefused("outputs", () => predictor.Predict(new float[6], new float[3]), "need 4");
        float[] shared = new float[10];
        AssertRefused("outputs", () => predictor.Predict(shared.AsSpan(0, 6), shared.AsSpan(4, 4)), "overlaps");
        AssertRefused("classes", () => predictor.PredictClasses(new float[6], new int[1]), "holds 2 samples");
        AssertRefused("inputs", () => predictor.PredictClasses(new float[9], classes), "at most 2");

        Assert.Equal([7f, 7f, 7f, 7f], outputs);
        Assert.Equal([7, 7], classes);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void A_disposed_predictor_refuses_calls_and_disposing_twice_is_harmless(PredictorPrecision precision)
    {
        var predictor = Predictor.Create(Network.Create([3, 2], Activation.Identity, Activation.Identity, seed: 0), new PredictorOptions { Precision = precision });
        predictor.Predict(new float[3], new float[2]);
        predictor.Dispose();
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(new float[3], new float[2]));
        Assert.Throws<ObjectDisposedException>(() => predictor.PredictClasses(new float[3], new int[1]));
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Two_threads_split_the_products_and_give_the_bits_of_one_thread(PredictorPrecision precision)
    {
        Network network = Network.Create(s_sizes, Activation.Tanh, Activation.Softmax, seed: 7);
        using var one = Predictor.Create(network, new PredictorOptions { MaxBatch = 64, MaxDegreeOfParallelism = 1, Precision = precision });
        using var two = Predictor.Create(network, new PredictorOptions { MaxBatch = 64, MaxDegreeOfParallelism = 2, Precision = precision });
        float[] inputs = Inputs(64);
        foreach (int batch in (int[])[8, 64])
        {
            float[] want = new float[batch * 10], got = new float[batch * 10];
            one.Predict(inputs.AsSpan(0, batch * 784), want);
            long splits = WorkerPool.SplitJobs;
            two.Predict(inputs.AsSpan(0, batch * 784), got);
            if (Environment.ProcessorCount > 1)
            {
                Assert.True(WorkerPool.SplitJobs > splits, $"{precision}, batch {batch}: the 2-thread predictor never reached the worker pool.");
            }

            MlpAssert.BitIdentical(want, got, $"{precision}, batch {batch}: 2 threads against 1");
        }
    }

    [Theory]
    [InlineData(1, PredictorPrecision.Float32)]
    [InlineData(2, PredictorPrecision.Float32)]
    [InlineData(1, PredictorPrecision.BFloat16)]
    [InlineData(2, PredictorPrecision.BFloat16)]
    [InlineData(1, PredictorPrecision.Int8)]
    [InlineData(2, PredictorPrecision.Int8)]
    public void Warm_calls_allocate_nothing_at_batch_1_8_64_and_256(int threads, PredictorPrecision precision)
    {
        Network network = Network.Create(s_sizes, Activation.Relu, Activation.Softmax, seed: 5);
        using var predictor = Predictor.Create(network, new PredictorOptions { MaxBatch = 256, MaxDegreeOfParallelism = threads, Precision = precision });
        float[] inputs = Inputs(256), outputs = new float[2560];
        int[] classes = new int[256];
        foreach (int batch in (int[])[1, 8, 64, 256])
        {
            for (int warmUp = 0; warmUp < 3; warmUp++)
            {
                predictor.Predict(inputs.AsSpan(0, batch * 784), outputs);
                predictor.PredictClasses(inputs.AsSpan(0, batch * 784), classes);
            }

            Allocations allocated = AllocationProbe.OnThisThreadAndWorkers(
                () =>
                {
                    predictor.Predict(inputs.AsSpan(0, batch * 784), outputs);
                    predictor.PredictClasses(inputs.AsSpan(0, batch * 784), classes);
                },
                calls: 10);
            Assert.True(allocated.Bytes == 0, $"{precision}, batch {batch}, {threads} threads: warm calls allocated {allocated}.");
        }
    }

    private static void AssertRefused(string parameter, Action call, string reason)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    private static float[] Inputs(int batch)
    {
        float[] inputs = new float[batch * 784];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (i % 17) * 0.0625f;
        }

        return inputs;
    }
}
