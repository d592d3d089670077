using TorchSharp;
using TorchSharp.Modules;

using static TorchSharp.torch;

namespace FastMlp.Peers.Peers;

/// <summary>
/// A FastMlp network as the torch.nn.Sequential a PyTorch user writes (Linear, activation, ..., Linear), holding
/// exactly the network's weights. FastMlp stores W_l as [in, out] (Z = X·W + b) and torch.nn.Linear as [out, in]
/// (Z = X·Wᵀ + b), so each weight is copied transposed; biases are copied as they are.
/// </summary>
internal static class TorchMlp
{
    /// <param name="network">The network whose layer sizes, activations and parameters to copy.</param>
    /// <param name="outputActivation">
    /// False for training with CrossEntropyLoss, which takes logits and applies log-softmax itself (the same math as
    /// FastMlp's Softmax output with Loss.CrossEntropy); true for inference, which ends in the output activation.
    /// </param>
    public static Sequential FromNetwork(Network network, bool outputActivation)
    {
        IReadOnlyList<int> sizes = network.LayerSizes;
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int offset = 0;
        using (no_grad())
        {
            for (int l = 1; l < sizes.Count; l++)
            {
                (int inputs, int outputs) = (sizes[l - 1], sizes[l]);
                Linear linear = nn.Linear(inputs, outputs);
                using (Tensor w = tensor(network.Parameters.Slice(offset, inputs * outputs).ToArray(), [inputs, outputs]))
                using (Tensor wt = w.t().contiguous())
                {
                    linear.weight!.copy_(wt);
                }

                offset += inputs * outputs;
                using (Tensor b = tensor(network.Parameters.Slice(offset, outputs).ToArray(), [outputs]))
                {
                    linear.bias!.copy_(b);
                }

                offset += outputs;
                modules.Add(($"linear{l}", linear));
                bool last = l == sizes.Count - 1;
                if (!last || outputActivation)
                {
                    Activation activation = last ? network.OutputActivation : network.HiddenActivation;
                    if (Module(activation) is { } module)
                    {
                        modules.Add(($"{activation.ToString().ToLowerInvariant()}{l}", module));
                    }
                }
            }
        }

        return nn.Sequential(modules);
    }

    /// <summary>The parameters in FastMlp's flat layout (W_l as [in, out], then b_l), for comparing after training.</summary>
    public static float[] Parameters(Sequential model, Network network)
    {
        var flat = new List<float>(network.Parameters.Length);
        foreach (Linear linear in model.children().OfType<Linear>())
        {
            using (Tensor wt = linear.weight!.detach().t().contiguous())
            {
                flat.AddRange(wt.data<float>());
            }

            flat.AddRange(linear.bias!.detach().data<float>());
        }

        return [.. flat];
    }

    private static nn.Module<Tensor, Tensor>? Module(Activation activation) => activation switch
    {
        Activation.Identity => null,
        Activation.Relu => nn.ReLU(),
        Activation.LeakyRelu => nn.LeakyReLU(0.01),
        Activation.Gelu => nn.GELU(),   // approximate: "none", the exact erf form, as FastMlp's
        Activation.Silu => nn.SiLU(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Tanh => nn.Tanh(),
        Activation.Softmax => nn.Softmax(1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No torch module for it."),
    };
}
