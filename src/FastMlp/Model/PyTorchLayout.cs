// PyTorchLayout: how FastMlp's layers map to the modules of an nn.Sequential. Every layer is an
// nn.Linear; an activation other than Identity is one parameterless module right after it (nn.ReLU(),
// nn.Softmax(dim=-1), ...), which takes a module index but adds no key. So Linear-ReLU-Linear is modules
// 0, 1, 2 and keys 0.weight, 0.bias, 2.weight, 2.bias. The writer numbers modules so; the reader accepts
// any strictly increasing indices (other parameterless modules, such as nn.Dropout or nn.Flatten, may sit
// between or before the Linears) as long as each non-Identity hidden activation has an index for its module.
namespace FastMlp;

internal static class PyTorchLayout
{
    /// <summary>The module index of each layer's nn.Linear: its layer number plus the activation modules before it.</summary>
    public static long[] Indices(IReadOnlyList<Activation> activations)
    {
        var indices = new long[activations.Count];
        long index = 0;
        for (int l = 0; l < indices.Length; l++)
        {
            indices[l] = index;
            index += activations[l] == Activation.Identity ? 1 : 2;
        }

        return indices;
    }

    /// <summary>The nn module that applies <paramref name="activation"/>, as Python source (null for Identity: no module).</summary>
    public static string? Module(Activation activation) => activation switch
    {
        Activation.Identity => null,
        Activation.Sigmoid => "nn.Sigmoid()",
        Activation.Tanh => "nn.Tanh()",
        Activation.Relu => "nn.ReLU()",
        Activation.Softmax => "nn.Softmax(dim=-1)",
        Activation.LeakyRelu => "nn.LeakyReLU()",
        Activation.Gelu => "nn.GELU()",
        Activation.Silu => "nn.SiLU()",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an Activation."),
    };
}
