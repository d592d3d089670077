namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// The systems a benchmark method can measure. Every benchmark method in this project is named after one of these
/// constants (<c>public void OpenBlas()</c>), which is how <see cref="PeerRegistry"/> leaves out the methods of a
/// peer that did not load and how the report groups its rows.
/// </summary>
internal static class Systems
{
    public const string FastMlp = nameof(FastMlp);

    /// <summary>FastMlp's Predictor (a snapshot and pooled scratch memory): FastMlp too, so never a peer.</summary>
    public const string Predictor = nameof(Predictor);

    /// <summary>FastMlp's Predictor with its weights in bfloat16 (PredictorPrecision.BFloat16; issue 16).</summary>
    public const string PredictorBFloat16 = nameof(PredictorBFloat16);

    /// <summary>FastMlp's Predictor with int8 weights and activations (PredictorPrecision.Int8; issue 16).</summary>
    public const string PredictorInt8 = nameof(PredictorInt8);

    /// <summary>OpenBLAS <c>cblas_sgemm</c> from the system library (<see cref="Peers.OpenBlas"/>).</summary>
    public const string OpenBlas = nameof(OpenBlas);

    /// <summary>TorchSharp (libtorch; MKL inside for the GEMMs).</summary>
    public const string Torch = nameof(Torch);

    /// <summary>ONNX Runtime with IOBinding over preallocated OrtValues.</summary>
    public const string OrtIoBinding = nameof(OrtIoBinding);

    /// <summary>
    /// ONNX Runtime's dynamic int8 path (<see cref="Peers.OnnxInt8ModelWriter"/>: com.microsoft DynamicQuantizeMatMul per
    /// layer, W int8 per column), with IOBinding as <see cref="OrtIoBinding"/>.
    /// </summary>
    public const string OrtInt8 = nameof(OrtInt8);

    /// <summary>ONNX Runtime's classic <c>Run(NamedOnnxValue)</c> API.</summary>
    public const string OrtRun = nameof(OrtRun);

    /// <summary>MathNet.Numerics with its managed linear-algebra provider.</summary>
    public const string MathNet = nameof(MathNet);

    /// <summary>The TensorPrimitives row loop a C# programmer writes without a GEMM library.</summary>
    public const string TensorPrimitives = nameof(TensorPrimitives);

    /// <summary>W4's floor: the 2-2-1 network's math as scalar C# fields.</summary>
    public const string ScalarFloor = nameof(ScalarFloor);

    /// <summary>
    /// Whether a system is one the report compares FastMlp's float rows with: FastMlp's own systems and W4's floor are
    /// not, nor are the reduced-precision ones, which would otherwise be the "best peer" of a float row (they are
    /// columns of their own, compared with each other: <see cref="IsReducedPrecision"/>).
    /// </summary>
    public static bool IsPeer(string system) => system is not (FastMlp or Predictor or ScalarFloor) && !IsReducedPrecision(system);

    /// <summary>Whether a system computes with bfloat16 or int8 weights instead of float ones.</summary>
    public static bool IsReducedPrecision(string system) => system is PredictorBFloat16 or PredictorInt8 or OrtInt8;

    /// <summary>Whether a system is FastMlp's own, whose rows the report gives a ratio to the best peer.</summary>
    public static bool IsFastMlp(string system) => system is FastMlp or Predictor or PredictorBFloat16 or PredictorInt8;

    /// <summary>
    /// Whether the report compares FastMlp's system <paramref name="own"/> with <paramref name="peer"/>: a float peer
    /// for a float system (<see cref="IsPeer"/>), a reduced-precision peer (ONNX Runtime's int8 graph) for a reduced one.
    /// </summary>
    public static bool Compares(string own, string peer) =>
        IsReducedPrecision(own) ? IsReducedPrecision(peer) && !IsFastMlp(peer) : IsPeer(peer);

    /// <summary>How the report names each system.</summary>
    public static string Display(string system) => system switch
    {
        FastMlp => "FastMlp",
        Predictor => "FastMlp Predictor",
        PredictorBFloat16 => "FastMlp Predictor bf16",
        PredictorInt8 => "FastMlp Predictor int8",
        OpenBlas => "OpenBLAS",
        Torch => "TorchSharp",
        OrtIoBinding => "ONNX Runtime (IOBinding)",
        OrtRun => "ONNX Runtime (Run)",
        OrtInt8 => "ONNX Runtime int8 (IOBinding)",
        MathNet => "MathNet (managed)",
        TensorPrimitives => "TensorPrimitives row loop",
        ScalarFloor => "scalar C# floor",
        _ => system,
    };
}
