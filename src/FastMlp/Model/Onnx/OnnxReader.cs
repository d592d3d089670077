// OnnxReader: an ONNX file into a new Network. The whole file is read first, bounded before it is buffered (a
// seekable stream by its length, under protobuf's 2 GiB message limit; a stream of unknown length grows its buffer
// only as bytes arrive, up to SafetensorsReader.NonSeekableCap, so a lying or endless stream costs at most twice
// what it delivered), then parsed (OnnxProto), mapped to layers (OnnxGraphMapper), and copied into the network's
// parameters, W of each layer as FastMlp's [in, out]. Every failure is a ModelFormatException.
using System.Globalization;

namespace FastMlp;

internal static class OnnxReader
{
    public static Network Read(Stream stream, ModelLoadOptions? options)
    {
        byte[] file = ReadAll(stream);
        List<OnnxLayer> layers = OnnxGraphMapper.Map(OnnxModelProto.Parse(file));

        int[] sizes = [layers[0].Inputs, .. layers.Select(l => l.Outputs)];
        Activation[] activations = [.. layers.Select(l => l.Activation)];
        long count = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            // Same bound as ParameterLayout, checked here so the constructor cannot throw.
            count += ((long)sizes[l] * sizes[l + 1]) + sizes[l + 1];
            if (count > Array.MaxLength - 64)
            {
                throw new ModelFormatException(ModelFormatError.InvalidArchitecture, $"The layers need more than {Array.MaxLength - 64} parameters by layer {l + 1}.");
            }
        }

        Network network = Network.CreateUninitialized(sizes, activations, Network.CommonHidden(activations));
        Span<float> parameters = network.Parameters;
        ParameterLayout layout = network.Layout;
        for (int l = 0; l < layers.Count; l++)
        {
            layers[l].Weights.CopyTo(parameters[layout.WeightOffset(l)..]);
            layers[l].Bias.CopyTo(parameters[layout.BiasOffset(l)..]);
        }

        if (options is not { AllowNonFiniteWeights: true })
        {
            for (int l = 0; l < layers.Count; l++)
            {
                CheckFinite(layers[l].Weights, "weights", l);
                CheckFinite(layers[l].Bias, "bias", l);
            }
        }

        return network;
    }

    private static void CheckFinite(float[] values, string what, int layer)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ModelFormatException(ModelFormatError.NonFiniteWeight, string.Create(CultureInfo.InvariantCulture, $"Layer {layer + 1}'s {what} hold {values[i]} at element {i}; pass AllowNonFiniteWeights to accept NaN and infinities."));
            }
        }
    }

    /// <summary>The stream's bytes to its end, bounded before they are buffered (see the header).</summary>
    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            // A stream positioned past its end (MemoryStream allows it) has no bytes left, not a negative count.
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > Array.MaxLength)
            {
                throw new ModelFormatException(ModelFormatError.ModelTooLarge, $"The stream holds {remaining} bytes; an ONNX file (one protobuf message) has under 2 GiB.");
            }

            byte[] bytes = new byte[remaining];
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return got == bytes.Length ? bytes : bytes[..got];
        }

        byte[] buffer = new byte[1 << 16];
        int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        while (length == buffer.Length)
        {
            if (buffer.Length >= SafetensorsReader.NonSeekableCap)
            {
                if (stream.ReadByte() < 0)
                {
                    break;
                }

                throw new ModelFormatException(ModelFormatError.ModelTooLarge, $"The stream holds more than {SafetensorsReader.NonSeekableCap} bytes; from a stream of unknown length FastMlp reads at most that.");
            }

            Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, SafetensorsReader.NonSeekableCap));
            length += stream.ReadAtLeast(buffer.AsSpan(length), buffer.Length - length, throwOnEndOfStream: false);
        }

        return buffer[..length];
    }
}
