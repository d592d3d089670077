using BenchmarkDotNet.Attributes;

namespace FastMlp.Benchmarks;

/// <summary>
/// GELU and SiLU (issue 14) next to Tanh on a W2-like hidden row of 256 units, B rows: the forward pass z ← f(z + b)
/// (Tanh: TensorPrimitives), GELU's forward saving the pre-activation (training's form), and each derivative
/// dy ← dy·f'(·) (Tanh through y, GELU and SiLU through x). Tanh's forward is the baseline; ratios are only
/// meaningful side by side in one run. Every case first copies its input row(s) back from a source drawn from
/// [−4, 4) (dy from [−1, 1)), so that repeated calls do not drift z out of range or dy into subnormals; the copy
/// alone is a case of its own, the same cost in every other.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Activation")]
public class ActivationBenchmarks
{
    private const int Units = 256;

    private float[] _bias = [];
    private float[] _source = [];
    private float[] _dySource = [];
    private float[] _z = [];
    private float[] _pre = [];
    private float[] _dy = [];

    /// <summary>Rows per call (a W2 batch of 1 and of 32).</summary>
    [Params(1, 32)]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _bias = [.. Enumerable.Range(0, Units).Select(_ => (float)((random.NextDouble() * 0.2) - 0.1))];
        _source = [.. Enumerable.Range(0, B * Units).Select(_ => (float)((random.NextDouble() * 8) - 4))];
        _dySource = [.. Enumerable.Range(0, B * Units).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        _z = [.. _source];
        _pre = [.. _source];
        _dy = [.. _dySource];
    }

    [Benchmark(Description = "copy alone")]
    public void Copy() => _source.CopyTo(_z, 0);

    [Benchmark(Baseline = true, Description = "Tanh forward")]
    public void TanhForward()
    {
        _source.CopyTo(_z, 0);
        Elementwise.Forward<TanhOperator>(_bias, _z, B);
    }

    [Benchmark(Description = "GELU forward")]
    public void GeluForward()
    {
        _source.CopyTo(_z, 0);
        Elementwise.Forward<GeluOperator>(_bias, _z, B);
    }

    [Benchmark(Description = "GELU forward saving x")]
    public void GeluForwardSavingInput()
    {
        _source.CopyTo(_z, 0);
        Elementwise.ForwardSavingInput<GeluOperator>(_bias, _z, _pre, B);
    }

    [Benchmark(Description = "SiLU forward")]
    public void SiluForward()
    {
        _source.CopyTo(_z, 0);
        Elementwise.Forward<SiluOperator>(_bias, _z, B);
    }

    [Benchmark(Description = "Tanh derivative")]
    public void TanhDerivative()
    {
        _dySource.CopyTo(_dy, 0);
        Elementwise.MultiplyDerivative<TanhOperator>(_source, _dy);
    }

    [Benchmark(Description = "GELU derivative")]
    public void GeluDerivative()
    {
        _dySource.CopyTo(_dy, 0);
        Elementwise.MultiplyDerivative<GeluOperator>(_pre, _dy);
    }

    [Benchmark(Description = "SiLU derivative")]
    public void SiluDerivative()
    {
        _dySource.CopyTo(_dy, 0);
        Elementwise.MultiplyDerivative<SiluOperator>(_pre, _dy);
    }
}
