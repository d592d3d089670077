// Loads MNIST-format IDX files (the format of the official MNIST, Fashion-MNIST and EMNIST downloads):
// images as unsigned bytes [count, rows, columns] (magic 0x00000803), labels as unsigned bytes [count]
// (magic 0x00000801), each plain or gzip-compressed (detected from the content, not the file name).
//
// Strict: a file must be exactly what its header describes. Bad magic, an unsupported data type,
// the wrong number of dimensions, a zero dimension, more values than an array can hold, truncated data,
// bytes after the data (they mean the header is wrong, so they are an error too, not ignored), corrupt
// gzip, a label count that differs from the image count and a label ≥ classCount all throw a
// DataFormatException naming the file and the problem. The header never decides an allocation alone
// (see IdxReader). A load either returns a complete Dataset or throws.
//
// One gap, in System.IO.Compression: it checks a gzip file's CRC-32 trailer when the trailer is there, but
// does not report a file cut inside it (or inside the final end-of-block code). The data is then complete,
// only unchecked; a cut anywhere earlier is reported as truncation.
namespace FastMlp;

/// <summary>Reads MNIST-format IDX files of unsigned bytes, plain or gzip-compressed.</summary>
public static class Idx
{
    private static readonly string[] ImageDimensions = ["count", "rows", "columns"];
    private static readonly string[] LabelDimensions = ["count"];

    // byte / 255f for every byte: the same floats as the division, at the cost of a load.
    private static readonly float[] ByteToUnit = CreateByteToUnit();

    /// <summary>
    /// An image classification set: features are the pixels, flattened row by row and scaled to [0, 1] as
    /// byte / 255f; targets are the one-hot rows of the labels.
    /// </summary>
    /// <param name="imagesPath">An IDX file of unsigned-byte images [count, rows, columns], plain or gzip.</param>
    /// <param name="labelsPath">An IDX file of unsigned-byte labels [count], plain or gzip, with the same count.</param>
    /// <param name="classCount">Number of classes; every label must be below it. At least 2.</param>
    /// <exception cref="DataFormatException">A file is not a valid IDX file of that shape, or the two do not match.</exception>
    public static Dataset LoadClassification(string imagesPath, string labelsPath, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        using FileStream images = OpenRead(imagesPath);
        using FileStream labels = OpenRead(labelsPath);
        return LoadClassification(images, labels, classCount, imagesPath, labelsPath);
    }

    /// <summary>
    /// An image classification set from two streams (read from their current position to the end, left open):
    /// features are the pixels, flattened row by row and scaled to [0, 1] as byte / 255f; targets are the
    /// one-hot rows of the labels.
    /// </summary>
    /// <param name="images">IDX unsigned-byte images [count, rows, columns], plain or gzip.</param>
    /// <param name="labels">IDX unsigned-byte labels [count], plain or gzip, with the same count.</param>
    /// <param name="classCount">Number of classes; every label must be below it. At least 2.</param>
    /// <param name="imagesName">The name that messages give the images stream (a file name, say).</param>
    /// <param name="labelsName">The name that messages give the labels stream.</param>
    /// <exception cref="DataFormatException">A stream is not a valid IDX file of that shape, or the two do not match.</exception>
    public static Dataset LoadClassification(Stream images, Stream labels, int classCount = 10, string imagesName = "images", string labelsName = "labels")
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(imagesName);
        ArgumentNullException.ThrowIfNull(labelsName);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);

        using var imageReader = new IdxReader(images, imagesName);
        using var labelReader = new IdxReader(labels, labelsName);
        int[] imageShape = imageReader.ReadHeader(ImageDimensions, "images");
        int[] labelShape = labelReader.ReadHeader(LabelDimensions, "labels");

        // Both headers first: a count mismatch is reported before any data is read.
        if (labelShape[0] != imageShape[0])
        {
            throw new DataFormatException(labelsName, $"has {labelShape[0]} labels but {imagesName} has {imageShape[0]} images; the counts must match.");
        }

        byte[] labelBytes = labelReader.ReadData(labelShape[0], labelShape);
        var classes = new int[labelBytes.Length];
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= classCount)
            {
                throw new DataFormatException(labelsName, $"label {i} (0-based) is {labelBytes[i]}; labels must be below the class count {classCount}.");
            }

            classes[i] = labelBytes[i];
        }

        float[] pixels = ToUnit(imageReader.ReadData(imageShape[0] * imageShape[1] * imageShape[2], imageShape));
        return Dataset.ForClassification(pixels, imageShape[1] * imageShape[2], classes, classCount);
    }

    /// <summary>The images of an IDX file, flattened row by row and scaled to [0, 1] as byte / 255f: [count, rows × columns].</summary>
    /// <param name="path">An IDX file of unsigned-byte images [count, rows, columns], plain or gzip.</param>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    /// <exception cref="DataFormatException">The file is not a valid IDX file of images.</exception>
    public static float[] ReadImages(string path, out int rows, out int columns)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = OpenRead(path);
        return ReadImages(stream, path, out rows, out columns);
    }

    /// <summary>The images of an IDX stream (read to its end, left open), flattened and scaled to [0, 1] as byte / 255f.</summary>
    /// <param name="stream">IDX unsigned-byte images [count, rows, columns], plain or gzip.</param>
    /// <param name="name">The name that messages give the stream.</param>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    /// <exception cref="DataFormatException">The stream is not a valid IDX file of images.</exception>
    public static float[] ReadImages(Stream stream, string name, out int rows, out int columns)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var reader = new IdxReader(stream, name);
        int[] shape = reader.ReadHeader(ImageDimensions, "images");
        float[] pixels = ToUnit(reader.ReadData(shape[0] * shape[1] * shape[2], shape));
        rows = shape[1];
        columns = shape[2];
        return pixels;
    }

    /// <summary>The labels of an IDX file of unsigned bytes [count], plain or gzip.</summary>
    /// <exception cref="DataFormatException">The file is not a valid IDX file of labels.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = OpenRead(path);
        return ReadLabels(stream, path);
    }

    /// <summary>The labels of an IDX stream of unsigned bytes [count], plain or gzip (read to its end, left open).</summary>
    /// <param name="stream">The IDX data.</param>
    /// <param name="name">The name that messages give the stream.</param>
    /// <exception cref="DataFormatException">The stream is not a valid IDX file of labels.</exception>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        using var reader = new IdxReader(stream, name);
        int[] shape = reader.ReadHeader(LabelDimensions, "labels");
        return reader.ReadData(shape[0], shape);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static float[] ToUnit(byte[] bytes)
    {
        var values = new float[bytes.Length];
        float[] table = ByteToUnit;
        for (int i = 0; i < bytes.Length; i++)
        {
            values[i] = table[bytes[i]];
        }

        return values;
    }

    private static float[] CreateByteToUnit()
    {
        var table = new float[256];
        for (int b = 0; b < table.Length; b++)
        {
            table[b] = b / 255f;
        }

        return table;
    }
}
