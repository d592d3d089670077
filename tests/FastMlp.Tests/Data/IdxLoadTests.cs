// IdxLoadTests: IDX files written by a tiny writer (IdxBytes) load back exactly: every pixel as byte / 255f
// in row-major order, labels as classes with one-hot targets; plain and gzip; from files, seekable streams
// and non-seekable streams that return a few bytes per Read; streams read from their current position and
// left open.
namespace FastMlp.Tests.Data;

public sealed class IdxLoadTests
{
    public static TheoryData<bool, bool> Encodings => new()
    {
        { false, false },
        { false, true },
        { true, false },
        { true, true },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Images_and_labels_round_trip(bool gzip, bool seekable)
    {
        const int Count = 37, Rows = 5, Columns = 3, Classes = 4;
        byte[] images = Encode(IdxBytes.Images(Count, Rows, Columns), gzip);
        byte[] labels = Encode(IdxBytes.CyclicLabels(Count, Classes), gzip);

        Dataset set = Idx.LoadClassification(Open(images, seekable), Open(labels, seekable), Classes);

        AssertLoaded(set, Count, Rows * Columns, Classes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Files_load_by_path_with_the_gzip_detected_from_the_content(bool gzip)
    {
        using var dir = new TempDirectory();
        // The names say nothing: a .gz name on a plain file and the reverse still load.
        string images = dir.Write(gzip ? "images.idx" : "images.gz", Encode(IdxBytes.Images(12, 2, 6), gzip));
        string labels = dir.Write(gzip ? "labels.idx" : "labels.gz", Encode(IdxBytes.CyclicLabels(12, 3), gzip));

        Dataset set = Idx.LoadClassification(images, labels, classCount: 3);

        AssertLoaded(set, 12, 12, 3);
    }

    [Fact]
    public void Every_byte_value_scales_to_byte_over_255()
    {
        var all = new byte[256];
        for (int b = 0; b < all.Length; b++)
        {
            all[b] = (byte)b;
        }

        float[] pixels = Idx.ReadImages(new MemoryStream(IdxBytes.File(IdxBytes.ImagesMagic, [1, 16, 16], all)), "all", out int rows, out int columns);

        Assert.Equal((16, 16), (rows, columns));
        for (int b = 0; b < all.Length; b++)
        {
            Assert.Equal(b / 255f, pixels[b]);
        }

        Assert.Equal(0f, pixels[0]);
        Assert.Equal(1f, pixels[255]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_and_ReadLabels_read_one_file_each(bool gzip)
    {
        using var dir = new TempDirectory();
        string images = dir.Write("i", Encode(IdxBytes.Images(3, 4, 5), gzip));
        string labels = dir.Write("l", Encode(IdxBytes.Labels(9, 0, 255), gzip));

        float[] pixels = Idx.ReadImages(images, out int rows, out int columns);
        byte[] classes = Idx.ReadLabels(labels);

        Assert.Equal((4, 5), (rows, columns));
        Assert.Equal(IdxBytes.Pixels(3, 20).Select(b => b / 255f), pixels);
        Assert.Equal(new byte[] { 9, 0, 255 }, classes);
    }

    [Fact]
    public void Streams_are_read_from_their_position_and_left_open()
    {
        byte[] prefix = [0xAA, 0xBB, 0xCC];
        var images = new MemoryStream([.. prefix, .. IdxBytes.Gzip(IdxBytes.Images(4, 1, 2))]);
        var labels = new MemoryStream([.. prefix, .. IdxBytes.Labels(1, 0, 1, 0)]);
        images.Position = prefix.Length;
        labels.Position = prefix.Length;

        Dataset set = Idx.LoadClassification(images, labels, classCount: 2);

        Assert.Equal(4, set.Count);
        Assert.True(images.CanRead);
        Assert.True(labels.CanRead);
        Assert.Equal(labels.Length, labels.Position);
    }

    [Fact]
    public void A_data_block_larger_than_the_first_chunk_reads_through_every_growth_step()
    {
        // 300 images of 28 × 28 = 235,200 bytes from a non-seekable gzip stream: the buffer grows 64 KiB → 128 → 256.
        byte[] images = IdxBytes.Gzip(IdxBytes.Images(300, 28, 28));
        byte[] labels = IdxBytes.Gzip(IdxBytes.CyclicLabels(300, 10));

        Dataset set = Idx.LoadClassification(new NonSeekableStream(images, maxRead: 4096), new NonSeekableStream(labels), 10);

        AssertLoaded(set, 300, 784, 10);
    }

    [Fact]
    public void A_class_count_below_two_is_an_argument_error()
    {
        Assert.Equal("classCount", Assert.Throws<ArgumentOutOfRangeException>(
            () => Idx.LoadClassification(new MemoryStream(IdxBytes.Images(2, 1, 1)), new MemoryStream(IdxBytes.Labels(0, 0)), classCount: 1)).ParamName);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        using var dir = new TempDirectory();
        string labels = dir.Write("l", IdxBytes.Labels(0));
        Assert.Throws<FileNotFoundException>(() => Idx.LoadClassification(Path.Combine(dir.Path, "absent"), labels));
    }

    private static byte[] Encode(byte[] raw, bool gzip) => gzip ? IdxBytes.Gzip(raw) : raw;

    private static Stream Open(byte[] bytes, bool seekable) => seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);

    private static void AssertLoaded(Dataset set, int count, int pixels, int classes)
    {
        Assert.Equal(count, set.Count);
        Assert.Equal(pixels, set.FeatureCount);
        Assert.Equal(classes, set.TargetCount);
        Assert.True(set.IsClassification);
        byte[] expected = IdxBytes.Pixels(count, pixels);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / 255f, set.Features[i]);
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i % classes, set.Labels[i]);
            for (int c = 0; c < classes; c++)
            {
                Assert.Equal(c == i % classes ? 1f : 0f, set.Targets[(i * classes) + c]);
            }
        }
    }
}
