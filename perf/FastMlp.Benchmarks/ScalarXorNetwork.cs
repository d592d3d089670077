namespace FastMlp.Benchmarks;

/// <summary>
/// W4's floor: the 2-2-1 sigmoid network and its per-sample SGD step on plain float fields, written straight from the
/// backpropagation formulas. Parameter order is Network.Parameters': W1 [2, 2] row-major (W1[i, j] from
/// input i to hidden j), b1 [2], W2 [2, 1], b2 [1]. TinyNetworkBenchmarks times it beside Trainer.Step;
/// perf/FastMlp.Peers links this file for its W4 table (one source, no copy).
/// </summary>
internal sealed class ScalarXorNetwork
{
    public const int ParameterCount = 9;

    /// <summary>W4's SGD learning rate (WORKLOADS.md); a const, as a hand-written floor would have it.</summary>
    public const float LearningRate = 0.5f;

    private float _w00, _w01, _w10, _w11, _b0, _b1, _v0, _v1, _c;

    public ScalarXorNetwork()
    {
    }

    public ScalarXorNetwork(ReadOnlySpan<float> p)
    {
        (_w00, _w01, _w10, _w11, _b0, _b1, _v0, _v1, _c) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    }

    public void CopyTo(Span<float> p)
    {
        (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]) = (_w00, _w01, _w10, _w11, _b0, _b1, _v0, _v1, _c);
    }

    /// <summary>Forward, loss (y − t)², backward, then p −= lr · g; returns the loss before the update.</summary>
    public float Step(float x0, float x1, float t)
    {
        // Forward.
        float h0 = Sigmoid((x0 * _w00) + (x1 * _w10) + _b0);
        float h1 = Sigmoid((x0 * _w01) + (x1 * _w11) + _b1);
        float y = Sigmoid((h0 * _v0) + (h1 * _v1) + _c);

        // Backward: dL/dy = 2 (y − t), through each sigmoid as y (1 − y).
        float e = y - t;
        float dz = 2f * e * (y * (1f - y));
        float dh0 = dz * _v0 * (h0 * (1f - h0));
        float dh1 = dz * _v1 * (h1 * (1f - h1));

        // SGD, after every gradient is known.
        _v0 -= LearningRate * (h0 * dz);
        _v1 -= LearningRate * (h1 * dz);
        _c -= LearningRate * dz;
        _w00 -= LearningRate * (x0 * dh0);
        _w01 -= LearningRate * (x0 * dh1);
        _w10 -= LearningRate * (x1 * dh0);
        _w11 -= LearningRate * (x1 * dh1);
        _b0 -= LearningRate * dh0;
        _b1 -= LearningRate * dh1;
        return e * e;
    }

    private static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));
}
