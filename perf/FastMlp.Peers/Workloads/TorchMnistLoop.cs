using FastMlp.Peers.Peers;

using TorchSharp;
using TorchSharp.Modules;

using static TorchSharp.torch;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// W5's TorchSharp side: the MNIST training loop a PyTorch user writes. The digits live in two tensors made once
/// (features [count, 784], int64 labels [count]); each epoch reshuffles a sample order with a System.Random(seed)
/// Fisher-Yates (<see cref="Random.Shuffle{T}(T[])"/>, the order Trainer.Fit draws for the same seed), and each
/// batch is gathered from the tensors by index_select over that order's slice; then zero_grad, CrossEntropyLoss
/// on the logits, backward, optim.SGD.step, and the epoch's running loss read with item(), as a user prints it.
/// </summary>
internal sealed class TorchMnistLoop : IDisposable
{
    private readonly Tensor _trainFeatures;
    private readonly Tensor _trainLabels;
    private readonly Tensor _testFeatures;
    private readonly int[] _testLabels;
    private readonly int _trainCount;

    public TorchMnistLoop(Dataset train, Dataset test)
    {
        _trainCount = train.Count;
        _trainFeatures = tensor(train.Features.ToArray(), [train.Count, train.FeatureCount]);
        _trainLabels = tensor(Int64(train.Labels), [train.Count]);
        _testFeatures = tensor(test.Features.ToArray(), [test.Count, test.FeatureCount]);
        _testLabels = test.Labels.ToArray();
    }

    /// <summary>The model TorchMlp copies from <paramref name="network"/>, ending in logits for CrossEntropyLoss.</summary>
    public static Sequential CreateModel(Network network) => TorchMlp.FromNetwork(network, outputActivation: false);

    /// <summary>
    /// <paramref name="epochs"/> epochs of SGD on <paramref name="model"/> (lr <paramref name="learningRate"/>, batches
    /// of <paramref name="batchSize"/>, the last one the remainder), reshuffled every epoch from <paramref name="seed"/>;
    /// returns the last epoch's mean training loss.
    /// </summary>
    public float Train(Sequential model, int seed, int epochs, int batchSize, float learningRate)
    {
        using CrossEntropyLoss criterion = nn.CrossEntropyLoss();
        using optim.Optimizer optimizer = optim.SGD(model.parameters(), learningRate);
        int[] order = [.. Enumerable.Range(0, _trainCount)];
        long[] order64 = new long[_trainCount];
        var random = new Random(seed);
        double epochLoss = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int i = 0; i < order.Length; i++)
            {
                order64[i] = order[i];
            }

            using Tensor permutation = tensor(order64);
            epochLoss = 0;
            for (int first = 0; first < _trainCount; first += batchSize)
            {
                int rows = Math.Min(batchSize, _trainCount - first);
                using DisposeScope scope = NewDisposeScope();
                Tensor index = permutation.narrow(0, first, rows);
                Tensor x = _trainFeatures.index_select(0, index);
                Tensor y = _trainLabels.index_select(0, index);
                optimizer.zero_grad();
                Tensor loss = criterion.call(model.call(x), y);
                loss.backward();
                optimizer.step();
                epochLoss += loss.item<float>() * rows;
            }
        }

        return (float)(epochLoss / _trainCount);
    }

    /// <summary>The fraction of the test digits whose largest output is the labelled class, under no_grad.</summary>
    public float Accuracy(Sequential model)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable noGrad = no_grad();
        long[] predicted = model.call(_testFeatures).argmax(1).data<long>().ToArray();
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            correct += predicted[i] == _testLabels[i] ? 1 : 0;
        }

        return (float)correct / predicted.Length;
    }

    public void Dispose()
    {
        _trainFeatures.Dispose();
        _trainLabels.Dispose();
        _testFeatures.Dispose();
    }

    private static long[] Int64(ReadOnlySpan<int> labels)
    {
        long[] values = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            values[i] = labels[i];
        }

        return values;
    }
}
