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

    /// <summary>OpenBLAS <c>cblas_sgemm</c> from the system library (<see cref="Peers.OpenBlas"/>).</summary>
    public const string OpenBlas = nameof(OpenBlas);

    /// <summary>TorchSharp (libtorch; MKL inside for the GEMMs).</summary>
    public const string Torch = nameof(Torch);

    /// <summary>ONNX Runtime with IOBinding over preallocated OrtValues.</summary>
    public const string OrtIoBinding = nameof(OrtIoBinding);

    /// <summary>ONNX Runtime's classic <c>Run(NamedOnnxValue)</c> API.</summary>
    public const string OrtRun = nameof(OrtRun);

    /// <summary>MathNet.Numerics with its managed linear-algebra provider.</summary>
    public const string MathNet = nameof(MathNet);

    /// <summary>The TensorPrimitives row loop a C# programmer writes without a GEMM library.</summary>
    public const string TensorPrimitives = nameof(TensorPrimitives);

    /// <summary>W4's floor: the 2-2-1 network's math as scalar C# fields.</summary>
    public const string ScalarFloor = nameof(ScalarFloor);

    /// <summary>Whether a system is one the report compares FastMlp with (FastMlp's own systems and W4's floor are not).</summary>
    public static bool IsPeer(string system) => system is not (FastMlp or Predictor or ScalarFloor);

    /// <summary>How the report names each system.</summary>
    public static string Display(string system) => system switch
    {
        FastMlp => "FastMlp",
        Predictor => "FastMlp Predictor",
        OpenBlas => "OpenBLAS",
        Torch => "TorchSharp",
        OrtIoBinding => "ONNX Runtime (IOBinding)",
        OrtRun => "ONNX Runtime (Run)",
        MathNet => "MathNet (managed)",
        TensorPrimitives => "TensorPrimitives row loop",
        ScalarFloor => "scalar C# floor",
        _ => system,
    };
}
