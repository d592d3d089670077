// Seeded weight initialization: the same seed gives bit-identical parameters on every machine (the
// generator is integer-only SplitMix64; the scaling is one float multiply).
// Default: Glorot/Xavier uniform U(±√(6 / (in + out))) for Identity, Sigmoid, Tanh and Softmax layers
// (Glorot & Bengio 2010), He uniform U(±√(6 / in)) for ReLU layers (He et al. 2015); biases 0.
namespace FastMlp;

internal static class Initialization
{
    public static void Initialize(Span<float> parameters, ParameterLayout layout, Activation[] activations, int seed)
    {
        var random = new SplitMix64((ulong)(uint)seed);
        for (int l = 0; l < layout.Layers; l++)
        {
            int fanIn = layout.In(l), fanOut = layout.Out(l);
            double limit = activations[l] == Activation.Relu ? Math.Sqrt(6.0 / fanIn) : Math.Sqrt(6.0 / (fanIn + fanOut));
            Span<float> weights = parameters.Slice(layout.WeightOffset(l), fanIn * fanOut);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(limit * ((2 * random.NextDouble()) - 1));
            }

            parameters.Slice(layout.BiasOffset(l), fanOut).Clear();
        }
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified, so seeds are portable.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    }
}
