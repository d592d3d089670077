// IdxValidationTests: every way an IDX file can be wrong throws a DataFormatException that names the file
// and the problem, and nothing else (no IndexOutOfRange, EndOfStream, InvalidData or OutOfMemory, and never a
// partial Dataset): empty, truncated magic, bad magic, an unsupported data type, the wrong number of
// dimensions, a header cut inside the dimensions, a zero dimension, more values than an array holds,
// truncated data, bytes after the data, corrupt, truncated or wrong-CRC gzip, label count ≠ image count, a
// label ≥ classCount; each for plain, non-seekable and gzip input where it differs. A header that claims
// billions of values on a 100-byte stream throws at once without allocating for the claim. Every truncation
// of a valid plain file throws a DataFormatException; a truncated gzip file throws one too, or, when cut only
// after its last data-bearing bits (System.IO.Compression does not check that the trailer is there), loads
// whole and identical: never a partial Dataset.
using System.Buffers.Binary;
using System.Diagnostics;

namespace FastMlp.Tests.Data;

public sealed class IdxValidationTests
{
    private const string Images = "images-idx3-ubyte.gz";
    private const string Labels = "labels-idx1-ubyte.gz";

    public enum Source
    {
        Seekable,
        NonSeekable,
        Gzip,
    }

    [Fact]
    public void An_empty_file_is_rejected_by_path()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("empty-images", []);
        string labels = dir.Write("labels", IdxBytes.Labels(0));

        DataAssert.Throws(() => Idx.LoadClassification(images, labels), images, "is empty");
    }

    [Fact]
    public void A_file_cut_inside_the_magic_number_is_truncated()
    {
        AssertImagesRejected([0, 0], Source.NonSeekable, "truncated", "2 of the 4 bytes");
    }

    [Theory]
    [InlineData(0x12345678u)]
    [InlineData(0x0100_0803u)]
    [InlineData(0x0001_0803u)]
    public void A_magic_number_that_does_not_start_with_two_zero_bytes_is_rejected(uint magic)
    {
        AssertImagesRejected(IdxBytes.File(magic, [1, 1, 1], [0]), Source.Seekable, "bad magic number", $"0x{magic:X8}");
    }

    [Fact]
    public void A_text_file_is_rejected_as_bad_magic()
    {
        AssertImagesRejected("label,pixel0\n3,0\n"u8.ToArray(), Source.Seekable, "bad magic number 0x6C616265");
    }

    [Theory]
    [InlineData(0x09, "signed byte")]
    [InlineData(0x0B, "16-bit integer")]
    [InlineData(0x0C, "32-bit integer")]
    [InlineData(0x0D, "32-bit float")]
    [InlineData(0x0E, "64-bit float")]
    [InlineData(0x07, "not an IDX type")]
    public void A_data_type_other_than_unsigned_byte_is_rejected(byte type, string typeName)
    {
        uint magic = (uint)((type << 8) | 3);
        AssertImagesRejected(IdxBytes.File(magic, [1, 1, 1], new byte[4]), Source.Seekable, $"data type 0x{type:X2} ({typeName})", "only unsigned bytes");
    }

    [Fact]
    public void A_labels_file_given_as_images_has_the_wrong_number_of_dimensions()
    {
        AssertImagesRejected(IdxBytes.Labels(1, 2, 3), Source.Seekable, "1 dimensions, but images need 3 (count, rows, columns)");
    }

    [Fact]
    public void An_images_file_given_as_labels_has_the_wrong_number_of_dimensions()
    {
        AssertLabelsRejected(IdxBytes.Images(2, 1, 1), classCount: 10, "3 dimensions, but labels need 1 (count)");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(15)]
    public void A_file_cut_inside_the_dimensions_is_truncated(int length)
    {
        AssertImagesRejected(IdxBytes.Images(2, 3, 3)[..length], Source.Gzip, "truncated", "ends inside the header", $"after {length - 4} of the 12 bytes");
    }

    [Theory]
    [InlineData(0, "count (dimension 0) is 0")]
    [InlineData(1, "rows (dimension 1) is 0")]
    [InlineData(2, "columns (dimension 2) is 0")]
    public void A_zero_dimension_is_rejected(int zero, string problem)
    {
        uint[] dims = [2, 3, 4];
        dims[zero] = 0;
        AssertImagesRejected(IdxBytes.File(IdxBytes.ImagesMagic, dims, []), Source.Seekable, "zero dimension", problem);
    }

    [Fact]
    public void A_zero_label_count_is_rejected()
    {
        AssertLabelsRejected(IdxBytes.Labels(), classCount: 10, "count (dimension 0) is 0");
    }

    [Theory]
    [InlineData(65536u, 65536u, 65536u)]
    [InlineData(4294967295u, 4294967295u, 4294967295u)]
    [InlineData(2147483648u, 1u, 1u)]
    [InlineData(1u, 1u, 2147483592u)]
    public void More_values_than_an_array_can_hold_are_rejected_without_overflow(uint count, uint rows, uint columns)
    {
        AssertImagesRejected(
            IdxBytes.File(IdxBytes.ImagesMagic, [count, rows, columns], new byte[84]), Source.Seekable, $"{count} × {rows} × {columns}", "more values than an array can hold");
    }

    [Theory]
    [InlineData(Source.Seekable, "only 11 follow")]
    [InlineData(Source.NonSeekable, "ends after 11")]
    [InlineData(Source.Gzip, "ends after 11")]
    public void Truncated_image_data_is_rejected(Source source, string detail)
    {
        byte[] file = IdxBytes.Images(3, 2, 2); // 12 data bytes
        AssertImagesRejected(file[..^1], source, "truncated", "header describes 12 bytes of data (3 × 2 × 2)", detail);
    }

    [Theory]
    [InlineData(Source.Seekable)]
    [InlineData(Source.NonSeekable)]
    [InlineData(Source.Gzip)]
    public void Truncated_label_data_is_rejected(Source source)
    {
        byte[] file = IdxBytes.Labels(1, 2, 3, 4);
        AssertRejected(IdxBytes.Images(4, 1, 1), Source.Seekable, Open(file[..^2], source), 10, Labels, "truncated", "4 bytes of data (4)");
    }

    [Theory]
    [InlineData(Source.Seekable, "has 3 bytes after the 12 bytes of data")]
    [InlineData(Source.NonSeekable, "has more bytes after the 12 bytes of data")]
    [InlineData(Source.Gzip, "has more bytes after the 12 bytes of data")]
    public void Bytes_after_the_data_are_rejected(Source source, string problem)
    {
        AssertImagesRejected([.. IdxBytes.Images(3, 2, 2), 1, 2, 3], source, problem, "(3 × 2 × 2)");
    }

    [Fact]
    public void Corrupt_deflate_data_is_rejected()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(50, 8, 8));
        // Block type 3 is reserved in deflate: the first block header byte after the 10-byte gzip header.
        gzip[10] |= 0b110;
        AssertRawImagesRejected(gzip, "not a valid gzip stream");
    }

    [Fact]
    public void A_gzip_CRC_that_does_not_match_is_rejected()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(50, 8, 8));
        gzip[^8] ^= 0xFF; // CRC-32 of the uncompressed data, first of the 8 trailer bytes
        AssertRawImagesRejected(gzip, "not a valid gzip stream");
    }

    [Fact]
    public void A_bad_gzip_header_is_rejected()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(5, 2, 2));
        gzip[2] = 7; // compression method: only 8 (deflate) exists
        AssertRawImagesRejected(gzip, "not a valid gzip stream");
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_throws_a_DataFormatException_naming_it_or_loads_it_whole()
    {
        byte[] images = IdxBytes.Images(6, 3, 2);
        byte[] labels = IdxBytes.CyclicLabels(6, 3);
        byte[] gzImages = IdxBytes.Gzip(images);
        byte[] gzLabels = IdxBytes.Gzip(labels);
        Dataset whole = Idx.LoadClassification(new MemoryStream(gzImages), new MemoryStream(gzLabels), 3);

        foreach ((byte[] file, bool isImages, bool gzip) in new[] { (images, true, false), (labels, false, false), (gzImages, true, true), (gzLabels, false, true) })
        {
            for (int length = 0; length < file.Length; length++)
            {
                byte[] cut = file[..length];
                foreach (bool seekable in new[] { true, false })
                {
                    void Load()
                    {
                        Stream spoilt = seekable ? new MemoryStream(cut) : new NonSeekableStream(cut);
                        Stream imageStream = isImages ? spoilt : new MemoryStream(images);
                        Stream labelStream = isImages ? new MemoryStream(labels) : spoilt;
                        AssertSame(whole, Idx.LoadClassification(imageStream, labelStream, 3, Images, Labels));
                    }

                    // System.IO.Compression does not report a gzip file cut after its last data-bearing bits (inside
                    // the 8-byte CRC-32 and length trailer, or the end-of-block code): the data is then whole, only
                    // unchecked, and Load asserts that it is identical.
                    if (gzip)
                    {
                        Exception? e = Record.Exception(Load);
                        Assert.True(e is null || (e is DataFormatException f && f.FileName == (isImages ? Images : Labels)), e?.ToString());
                    }
                    else
                    {
                        DataAssert.Throws(Load, isImages ? Images : Labels);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_label_count_that_differs_from_the_image_count_is_rejected()
    {
        DataFormatException e = AssertRejected(
            IdxBytes.Images(10, 2, 2), Source.Seekable, new MemoryStream(IdxBytes.CyclicLabels(9, 10)), 10, Labels, "has 9 labels but", "has 10 images", "must match");
        Assert.Contains(Images, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_count_mismatch_is_found_before_the_image_data_is_read()
    {
        // The images are truncated too, but the headers disagree first.
        AssertRejected(IdxBytes.Images(10, 2, 2)[..20], Source.Seekable, new MemoryStream(IdxBytes.CyclicLabels(11, 10)), 10, Labels, "has 11 labels");
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(2, 7)]
    [InlineData(10, 255)]
    public void A_label_not_below_the_class_count_is_rejected(int classCount, byte label)
    {
        AssertLabelsRejected(IdxBytes.Labels(0, 1, 0, label, 1), classCount, $"label 3 (0-based) is {label}", $"below the class count {classCount}");
    }

    [Fact]
    public void Label_errors_name_the_labels_file_by_path()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("train-images", IdxBytes.Images(2, 1, 1));
        string labels = dir.Write("train-labels", IdxBytes.Labels(0, 10));

        DataAssert.Throws(() => Idx.LoadClassification(images, labels), labels, "label 1 (0-based) is 10");
        DataAssert.Throws(() => Idx.ReadLabels(images), images, "3 dimensions, but labels need 1");
        DataAssert.Throws(() => Idx.ReadImages(labels, out _, out _), labels, "1 dimensions, but images need 3");
    }

    [Theory]
    [InlineData(true, 2_000_000u, Source.Seekable)]
    [InlineData(true, 2_000_000u, Source.NonSeekable)]
    [InlineData(true, 2_000_000u, Source.Gzip)]
    [InlineData(true, 2_147_483_648u, Source.NonSeekable)]
    [InlineData(false, 2_000_000_000u, Source.Seekable)]
    [InlineData(false, 2_000_000_000u, Source.NonSeekable)]
    [InlineData(false, 2_000_000_000u, Source.Gzip)]
    [InlineData(false, 2_147_483_648u, Source.Gzip)]
    public void A_header_claiming_billions_of_values_on_a_100_byte_stream_throws_at_once_without_allocating_for_them(bool images, uint count, Source source)
    {
        // 2,000,000 × 28 × 28 = 1.57 G pixels and 2 G labels fit in an array, so only the stream's real
        // length can stop the allocation; 2^31 does not fit, so the header alone is rejected.
        byte[] file = new byte[100];
        BinaryPrimitives.WriteUInt32BigEndian(file, images ? IdxBytes.ImagesMagic : IdxBytes.LabelsMagic);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(4), count);
        if (images)
        {
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(8), 28);
            BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(12), 28);
        }

        void Load()
        {
            if (images)
            {
                Idx.ReadImages(Open(file, source), Images, out _, out _);
            }
            else
            {
                Idx.ReadLabels(Open(file, source), Labels);
            }
        }

        Assert.Throws<DataFormatException>(Load); // warm up: JIT and static initialization allocate once
        var clock = Stopwatch.StartNew();
        DataFormatException? e = null;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<DataFormatException>(Load);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        clock.Stop();

        Assert.Equal(images ? Images : Labels, e.FileName);
        Assert.Contains(count >= 2_147_483_648u ? "more values than an array can hold" : "truncated", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    private static void AssertSame(Dataset expected, Dataset actual)
    {
        Assert.Equal(expected.Features.ToArray(), actual.Features.ToArray());
        Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
        Assert.Equal(expected.Targets.ToArray(), actual.Targets.ToArray());
    }

    private static Stream Open(byte[] bytes, Source source) => source switch
    {
        Source.Seekable => new MemoryStream(bytes),
        Source.NonSeekable => new NonSeekableStream(bytes),
        _ => new MemoryStream(IdxBytes.Gzip(bytes)),
    };

    private static void AssertImagesRejected(byte[] images, Source source, params string[] mentions) =>
        AssertRejected(images, source, new MemoryStream(IdxBytes.CyclicLabels(3, 2)), 10, Images, mentions);

    // images: gzip bytes given as they are.
    private static void AssertRawImagesRejected(byte[] gzipImages, params string[] mentions)
    {
        DataAssert.Throws(() => Idx.LoadClassification(new MemoryStream(gzipImages), new MemoryStream(IdxBytes.CyclicLabels(50, 10)), 10, Images, Labels), Images, mentions);
        DataAssert.Throws(() => Idx.ReadImages(new NonSeekableStream(gzipImages), Images, out _, out _), Images, mentions);
    }

    private static void AssertLabelsRejected(byte[] labels, int classCount, params string[] mentions)
    {
        // As many images as the file claims labels (when it claims a count), so only the labels are wrong.
        int count = labels.Length >= 8 ? (int)Math.Clamp(BinaryPrimitives.ReadUInt32BigEndian(labels.AsSpan(4)), 1, 1000) : 1;
        AssertRejected(IdxBytes.Images(count, 1, 1), Source.Seekable, new MemoryStream(labels), classCount, Labels, mentions);
    }

    private static DataFormatException AssertRejected(byte[] images, Source source, Stream labels, int classCount, string blamed, params string[] mentions) =>
        DataAssert.Throws(() => Idx.LoadClassification(Open(images, source), labels, classCount, Images, Labels), blamed, mentions);
}
