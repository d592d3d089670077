using FastMlp.Benchmarks;
using FastMlp.Benchmarks.Infrastructure;
using FastMlp.Peers.Infrastructure;
using FastMlp.Peers.Peers;

using TorchSharp;

using static TorchSharp.torch;

namespace FastMlp.Peers.Workloads;

/// <summary>
/// The operands of one W1 case and the call each system makes on them: seeded A and B in their stored layout
/// (k×m for a transposed A, n×k for a transposed B), a preallocated C, and libtorch tensors holding copies of the
/// same values. <see cref="Setup"/> sets the system's thread count, runs it once and checks its C against
/// FastMlp's (relative tolerance 1e-4 of the largest |C|: the sums are K ≤ 2,048 products of values in [−1, 1]),
/// then measures what one call allocates (<see cref="Allocations"/>).
/// </summary>
internal sealed class GemmOperands : IDisposable
{
    private const double Tolerance = 1e-4;

    private GemmShape _shape = GemmShape.Square(1);
    private int _threads = 1;
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private Tensor? _torchA;
    private Tensor? _torchB;
    private Tensor? _torchC;

    public void Setup(GemmShape shape, int threads, string system, object benchmark)
    {
        (_shape, _threads) = (shape, threads);
        _a = MatrixData.Random(shape.M * shape.K, MatrixData.Seed);
        _b = MatrixData.Random(shape.K * shape.N, MatrixData.Seed + 1);
        _c = new float[shape.M * shape.N];
        RunFastMlp();
        float[] expected = (float[])_c.Clone();
        Array.Fill(_c, float.NaN);
        Action run;
        switch (system)
        {
            case Systems.FastMlp:
                run = RunFastMlp;
                break;
            case Systems.OpenBlas:
                OpenBlas.SetThreads(threads);
                run = RunOpenBlas;
                break;
            case Systems.Torch:
                TorchPeer.SetThreads(threads);
                CreateTensors();
                run = () =>
                {
                    RunTorch();
                    _torchC!.data<float>().CopyTo(_c, 0);
                };
                break;
            case Systems.MathNet:
                MathNetPeer.SetThreads(threads);
                run = RunMathNet;
                break;
            case Systems.TensorPrimitives:
                run = RunTensorPrimitives;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(system), system, "Not a W1 system.");
        }

        run();
        Agreement.Require(benchmark, system, expected, _c, Tolerance, "C");
        Allocations.Measure(benchmark, system, system == Systems.Torch ? RunTorch : run);
    }

    public void RunFastMlp() =>
        Gemm.Multiply(_a, _b, _c, _shape.M, _shape.N, _shape.K, _shape.TransposeA, _shape.TransposeB, maxDegreeOfParallelism: _threads);

    public void RunOpenBlas() => OpenBlas.Multiply(_a, _b, _c, _shape.M, _shape.N, _shape.K, _shape.TransposeA, _shape.TransposeB);

    /// <summary>C ← 0·C + A·B in place (addmm_ with β = 0 ignores C's old values, as PyTorch documents).</summary>
    public void RunTorch() => _torchC!.addmm_(_torchA!, _torchB!, beta: 0f, alpha: 1f);

    public void RunMathNet() => MathNetPeer.Multiply(_a, _b, _c, _shape.M, _shape.N, _shape.K, _shape.TransposeA, _shape.TransposeB);

    public void RunTensorPrimitives() =>
        GemmBaselines.TensorPrimitivesRowwise(_a, _b, _c, _shape.M, _shape.N, _shape.K, _shape.TransposeA, _shape.TransposeB, _threads);

    public void Dispose()
    {
        _torchA?.Dispose();
        _torchB?.Dispose();
        _torchC?.Dispose();
        (_torchA, _torchB, _torchC) = (null, null, null);
    }

    /// <summary>op(A) and op(B) as libtorch sees them: a transposed operand is the .t() view of its stored layout.</summary>
    private void CreateTensors()
    {
        (int m, int n, int k) = (_shape.M, _shape.N, _shape.K);
        using Tensor a = tensor(_a, _shape.TransposeA ? [k, m] : [m, k]);
        using Tensor b = tensor(_b, _shape.TransposeB ? [n, k] : [k, n]);
        _torchA = _shape.TransposeA ? a.t() : a.alias();
        _torchB = _shape.TransposeB ? b.t() : b.alias();
        _torchC = zeros(m, n);
    }
}
