// Seeded weight initialization: the same seed gives bit-identical parameters on every machine. The
// generator is integer-only SplitMix64; everything after it is IEEE basic operations and square roots
// (correctly rounded on every platform) in double, rounded once to float, and the normal draws take their
// logarithm and cosine from PortableMath, never from the platform's math library.
// WeightInitialization.Default: He uniform U(±√(6 / in)) for the rectifier-like layers (ReLU, LeakyReLU, GELU,
// SiLU; He et al. 2015), Glorot uniform U(±√(6 / (in + out))) for the others (Glorot & Bengio 2010); biases 0.
// The normal variants use the same variances (2 / in, 2 / (in + out)) through Box–Muller.
namespace FastMlp;

internal static class Initialization
{
    public static void Initialize(Span<float> parameters, ParameterLayout layout, Activation[] activations, WeightInitialization scheme, int seed)
    {
        var random = new SplitMix64((ulong)(uint)seed);
        for (int l = 0; l < layout.Layers; l++)
        {
            int fanIn = layout.In(l), fanOut = layout.Out(l);
            WeightInitialization layerScheme = scheme != WeightInitialization.Default ? scheme
                : activations[l] is Activation.Relu or Activation.LeakyRelu or Activation.Gelu or Activation.Silu ? WeightInitialization.HeUniform : WeightInitialization.GlorotUniform;
            double fans = layerScheme is WeightInitialization.HeUniform or WeightInitialization.HeNormal ? fanIn : fanIn + fanOut;
            bool normal = layerScheme is WeightInitialization.GlorotNormal or WeightInitialization.HeNormal;
            double limit = Math.Sqrt(6 / fans), deviation = Math.Sqrt(2 / fans);   // U(±a) has variance a² / 3
            Span<float> weights = parameters.Slice(layout.WeightOffset(l), fanIn * fanOut);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(normal ? deviation * random.NextGaussian() : limit * ((2 * random.NextDouble()) - 1));
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

        /// <summary>Standard normal by Box–Muller (one of the pair; 1 − u keeps the logarithm finite).</summary>
        public double NextGaussian() => Math.Sqrt(-2 * PortableMath.Log(1 - NextDouble())) * PortableMath.CosTwoPi(NextDouble());
    }
}
