// PyTorchFastMlpFixture: the network tests/fixtures/pytorch/WriteFastMlpFixture.cs saved as
// fastmlp-written.safetensors, the file check_fastmlp_file.py loaded into torch (its log is committed beside
// it). The initializer is portable (WeightInitializationGoldenTests), so every machine creates the same bits.
namespace FastMlp.Tests.Model;

internal static class FastMlpFixture
{
    public const string File = "fastmlp-written.safetensors";

    public const string Prefix = "model.";

    public static Network Create() => Network.Create([5, 9, 7, 3], [Activation.Gelu, Activation.LeakyRelu, Activation.Softmax], seed: 15);
}
