// The demo's command line, parsed by hand (no packages): --name value or --name=value, each option at
// most once meaningful (the last one wins), no positional arguments. Every value is checked here, so a
// bad one ends the demo with a one-line error before any data is read.
using System.Globalization;

namespace FastMlp.Demo;

/// <summary>What the demo trains and how; every property has the default <see cref="Help"/> states.</summary>
internal sealed record Options
{
    public const string Help =
        """
        FastMlp demo: trains a multi-layer perceptron on MNIST digits and reports its test accuracy.

        usage: dotnet run -c Release --project samples/FastMlp.Demo [-- OPTIONS]

          --data DIR         a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
                             t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz,
                             e.g. the full 60,000/10,000 MNIST
                             (default: the bundled 8,000 training and 2,000 test digits, data/mnist-subset)
          --layers SIZES     layer sizes, comma-separated: the 784 pixels first, the 10 classes last,
                             hidden layers between (default 784,128,10)
          --activation NAME  activation of the hidden layers: relu, leaky-relu, gelu, silu, sigmoid or tanh (default relu)
          --activations LIST one activation per hidden layer instead, comma-separated, like relu,tanh
                             for --layers 784,256,64,10
          --loss NAME        cross-entropy (softmax output, the default) or bce (binary cross-entropy
                             on sigmoid outputs, one per class)
          --clip-norm C      clip the gradients of each step to an L2 norm of at most C, > 0 (default: none)
          --dropout P        dropout rate in [0, 1) on every hidden layer in training, or one per hidden
                             layer, comma-separated, like 0.2,0.5 (default: none)
          --class-weights W  one weight per class, comma-separated, >= 0, like 1,1,1,1,1,1,1,1,1,2:
                             each training digit's loss counts with its class's weight (cross-entropy
                             only; default: every class 1)
          --optimizer NAME   sgd; momentum or nesterov (SGD with momentum 0.9, plain or Nesterov);
                             adam; adamw (decoupled weight decay 0.01); rmsprop (default sgd)
          --lr RATE          learning rate, > 0 (default 0.1 for sgd, 0.01 for momentum and nesterov,
                             0.001 for adam, adamw and rmsprop)
          --batch N          samples per step, >= 1; 1 is per-sample SGD, the training-set size or more
                             is full-batch descent (default 32)
          --epochs N         passes over the training set, >= 1 (default 10)
          --seed N           seed of the initial weights and of the per-epoch reshuffle (default 0)
          --threads N        threads per training step, >= 1, or -1 for all cores (default 1)
          -h, --help         print this text

        Each epoch prints a line (in place in a terminal): epoch, training loss and accuracy, test accuracy,
        samples/s and elapsed time; with --loss bce each accuracy is followed by the label accuracy and the
        exact-match accuracy (every sigmoid output a label at threshold 0.5). Then: test accuracy (and with
        --loss bce the multi-label figures), wall time of the training and the confusion matrix.
        The test set is only measured, never trained on. Options also take the form --name=value.
        Exit codes: 0 done, 1 the data could not be read, 2 bad options, 130 interrupted (Ctrl+C).
        """;

    /// <summary>The MNIST directory; null for the bundled digits.</summary>
    public string? DataDirectory { get; init; }

    public IReadOnlyList<int> Layers { get; init; } = [784, 128, 10];

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>The --activations list, one per hidden layer; null to give every hidden layer <see cref="Activation"/>.</summary>
    public IReadOnlyList<Activation>? HiddenActivations { get; init; }

    /// <summary>Loss.CrossEntropy (softmax output) or Loss.BinaryCrossEntropy (sigmoid outputs).</summary>
    public Loss Loss { get; init; } = Loss.CrossEntropy;

    /// <summary>The --clip-norm value; null for no clipping.</summary>
    public float? ClipNorm { get; init; }

    /// <summary>The --dropout rates: one for every hidden layer, or one per hidden layer; empty for none.</summary>
    public IReadOnlyList<float> Dropout { get; init; } = [];

    /// <summary>The --class-weights list; null for none (FitOptions.ClassWeights checks its count and the loss).</summary>
    public IReadOnlyList<float>? ClassWeights { get; init; }

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>The --lr value; null for the optimizer's default (<see cref="OptimizerChoice.DefaultLearningRate"/>).</summary>
    public float? LearningRate { get; init; }

    public int BatchSize { get; init; } = 32;

    public int Epochs { get; init; } = 10;

    public int Seed { get; init; }

    public int Threads { get; init; } = 1;

    public bool ShowHelp { get; init; }

    /// <summary>Parses <paramref name="args"/>; false with a one-line <paramref name="error"/> when an option is bad.</summary>
    public static bool TryParse(string[] args, out Options options, out string? error)
    {
        options = new Options();
        error = null;
        for (int i = 0; i < args.Length && error is null; i++)
        {
            string name = args[i];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                (name, value) = (name[..equals], name[(equals + 1)..]);
            }

            if (name is "-h" or "--help")
            {
                options = options with { ShowHelp = true };
                continue;
            }

            if (name is not ("--data" or "--layers" or "--activation" or "--activations" or "--loss" or "--clip-norm" or "--dropout" or "--class-weights" or "--optimizer" or "--lr" or "--batch" or "--epochs" or "--seed" or "--threads"))
            {
                error = name.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{name}'";
                break;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{name} needs a value";
                    break;
                }

                value = args[++i];
            }

            options = Apply(options, name, value, out error);
        }

        if (error is null && options.ClassWeights is { } weights)
        {
            // Checked here, after every option, since --layers and --loss may come after --class-weights.
            error = options.Loss != Loss.CrossEntropy ? "--class-weights needs --loss cross-entropy"
                : weights.Count != options.Layers[^1] ? $"--class-weights needs {options.Layers[^1]} weights, one per class; got {weights.Count}"
                : !weights.Any(w => w > 0) ? "--class-weights needs at least one weight > 0"
                : null;
        }

        return error is null;
    }

    private static Options Apply(Options options, string name, string value, out string? error)
    {
        error = null;
        switch (name)
        {
            case "--data":
                if (!Directory.Exists(value))
                {
                    error = $"--data: there is no directory '{value}'";
                    return options;
                }

                return options with { DataDirectory = value };
            case "--layers":
                string[] parts = value.Split(',');
                int[] sizes = new int[parts.Length];
                for (int i = 0; i < parts.Length; i++)
                {
                    if (!TryInt(parts[i], out sizes[i]) || sizes[i] < 1)
                    {
                        error = $"--layers takes comma-separated sizes >= 1, like 784,128,10; got '{value}'";
                        return options;
                    }
                }

                if (sizes.Length < 2)
                {
                    error = $"--layers needs at least two sizes (inputs and classes); got '{value}'";
                    return options;
                }

                return options with { Layers = sizes };
            case "--activation":
                Activation? activation = HiddenActivation(value);
                error = activation is null ? $"--activation takes relu, leaky-relu, gelu, silu, sigmoid or tanh; got '{value}'" : null;
                return options with { Activation = activation ?? options.Activation };
            case "--activations":
                Activation?[] list = [.. value.Split(',').Select(HiddenActivation)];
                if (list.Any(a => a is null))
                {
                    error = $"--activations takes comma-separated relu, leaky-relu, gelu, silu, sigmoid or tanh, one per hidden layer; got '{value}'";
                    return options;
                }

                return options with { HiddenActivations = [.. list.Select(a => a!.Value)] };
            case "--loss":
                Loss? loss = value.ToUpperInvariant() switch
                {
                    "CROSS-ENTROPY" => Loss.CrossEntropy,
                    "BCE" => Loss.BinaryCrossEntropy,
                    _ => null,
                };
                error = loss is null ? $"--loss takes cross-entropy or bce; got '{value}'" : null;
                return options with { Loss = loss ?? options.Loss };
            case "--clip-norm":
                if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float clip) || !(clip > 0) || !float.IsFinite(clip))
                {
                    error = $"--clip-norm takes a norm > 0, like 1; got '{value}'";
                }

                return options with { ClipNorm = clip };
            case "--dropout":
                float[] rates = [.. value.Split(',').Select(r => float.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out float p) && p >= 0 && p < 1 ? p : float.NaN)];
                error = rates.Any(float.IsNaN) ? $"--dropout takes rates in [0, 1), one or one per hidden layer, like 0.2; got '{value}'" : null;
                return options with { Dropout = rates };
            case "--class-weights":
                string[] items = value.Split(',');
                float[] weights = new float[items.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    if (!float.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out weights[i]) || !(weights[i] >= 0) || !float.IsFinite(weights[i]))
                    {
                        error = $"--class-weights takes comma-separated weights >= 0, one per class, like 1,1,2; got '{value}'";
                        return options;
                    }
                }

                return options with { ClassWeights = weights };
            case "--optimizer":
                OptimizerKind? kind = OptimizerChoice.Parse(value);
                error = kind is null ? $"--optimizer takes {OptimizerChoice.Names}; got '{value}'" : null;
                return options with { Optimizer = kind ?? options.Optimizer };
            case "--lr":
                if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) || !(rate > 0) || !float.IsFinite(rate))
                {
                    error = $"--lr takes a learning rate > 0, like 0.1; got '{value}'";
                }

                return options with { LearningRate = rate };
            case "--seed":
                error = TryInt(value, out int seed) ? null : $"--seed takes a whole number; got '{value}'";
                return options with { Seed = seed };
            case "--threads":
                error = TryInt(value, out int threads) && threads is -1 or >= 1 ? null : $"--threads takes a count >= 1, or -1 for all cores; got '{value}'";
                return options with { Threads = threads };
            default:
                error = TryInt(value, out int count) && count >= 1 ? null : $"{name} takes a whole number >= 1; got '{value}'";
                return name == "--batch" ? options with { BatchSize = count } : options with { Epochs = count };
        }
    }

    private static Activation? HiddenActivation(string name) => name.ToUpperInvariant() switch
    {
        "RELU" => Activation.Relu,
        "SIGMOID" => Activation.Sigmoid,
        "TANH" => Activation.Tanh,
        "LEAKY-RELU" => Activation.LeakyRelu,
        "GELU" => Activation.Gelu,
        "SILU" => Activation.Silu,
        _ => null,
    };

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
