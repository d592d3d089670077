// NaiveInt8: the Int8 predictor's arithmetic from its definitions, scalar, with no packing and no SIMD.
//
// Quantizing a group of floats (a row of a layer's input, or a column of W) with largest magnitude m:
//     scale = m / 127, inverse = min(127 / m, float.MaxValue)   (each one float operation, RNE)
//     q = RNE(clamp(x · inverse, −127, 127))                     (the float product; round half to even by hand)
// and a group holding a NaN or ±∞ has scale NaN and every q 0. The integer core is Σ_k qx · qw accumulated in
// long and converted to int checked (an overflow throws instead of wrapping). The dequantized layer is in
// double: z = acc · s_r · scale_j + b_j, then the activation (NaiveMlp.Apply; Softmax over the row).
namespace FastMlp.Reference;

/// <summary>Int8 quantization, the integer core and the dequantized layer, straight from the definitions.</summary>
public static class NaiveInt8
{
    /// <summary>The largest |q|.</summary>
    public const int Limit = 127;

    /// <summary>q and the scale of one group of values.</summary>
    public static (sbyte[] Q, float Scale) Quantize(ReadOnlySpan<float> values)
    {
        var q = new sbyte[values.Length];
        float largest = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return (q, float.NaN);
            }

            largest = Math.Max(largest, Math.Abs(v));
        }

        float scale = largest / Limit;
        float inverse = Limit / largest;
        if (inverse > float.MaxValue)
        {
            inverse = float.MaxValue;
        }

        for (int i = 0; i < values.Length; i++)
        {
            float p = values[i] * inverse;
            p = p > Limit ? Limit : p < -Limit ? -Limit : p;
            q[i] = (sbyte)RoundHalfToEven(p);
        }

        return (q, scale);
    }

    /// <summary>Each row of x [rows, k] quantized: q [rows, k] and the row scales.</summary>
    public static (sbyte[,] Q, float[] Scales) QuantizeRows(float[] x, int rows, int k)
    {
        var q = new sbyte[rows, k];
        var scales = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            (sbyte[] row, scales[r]) = Quantize(x.AsSpan(r * k, k));
            for (int i = 0; i < k; i++)
            {
                q[r, i] = row[i];
            }
        }

        return (q, scales);
    }

    /// <summary>Each column of W [k, n] (row-major) quantized: q [k, n] and the column scales.</summary>
    public static (sbyte[,] Q, float[] Scales) QuantizeColumns(ReadOnlySpan<float> w, int k, int n)
    {
        var q = new sbyte[k, n];
        var scales = new float[n];
        var column = new float[k];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < k; i++)
            {
                column[i] = w[(i * n) + j];
            }

            (sbyte[] qc, scales[j]) = Quantize(column);
            for (int i = 0; i < k; i++)
            {
                q[i, j] = qc[i];
            }
        }

        return (q, scales);
    }

    /// <summary>acc [rows, n] = qx [rows, k] · qw [k, n], summed in long, checked into int.</summary>
    public static int[,] Multiply(sbyte[,] qx, sbyte[,] qw)
    {
        int rows = qx.GetLength(0), k = qx.GetLength(1), n = qw.GetLength(1);
        var acc = new int[rows, n];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                long sum = 0;
                for (int i = 0; i < k; i++)
                {
                    sum += qx[r, i] * (long)qw[i, j];
                }

                acc[r, j] = checked((int)sum);
            }
        }

        return acc;
    }

    /// <summary>z [rows, n] = acc · s_r · scale_j + b_j in double (the pre-activations of the dequantized layer).</summary>
    public static double[,] Dequantize(int[,] acc, float[] rowScales, float[] columnScales, ReadOnlySpan<float> bias)
    {
        int rows = acc.GetLength(0), n = acc.GetLength(1);
        var z = new double[rows, n];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                z[r, j] = (acc[r, j] * (double)rowScales[r] * columnScales[j]) + bias[j];
            }
        }

        return z;
    }

    /// <summary>f applied to z [rows, n] (Softmax over each row), as NaiveMlp applies it.</summary>
    public static double[,] Activate(NaiveActivation f, double[,] z)
    {
        var y = new double[z.GetLength(0), z.GetLength(1)];
        for (int r = 0; r < z.GetLength(0); r++)
        {
            NaiveMlp.Activate(f, z, y, r);
        }

        return y;
    }

    /// <summary>The integer nearest to <paramref name="value"/>, the even one of two at the same distance.</summary>
    public static double RoundHalfToEven(double value)
    {
        double below = Math.Floor(value), fraction = value - below;
        return fraction < 0.5 ? below
            : fraction > 0.5 ? below + 1
            : below % 2 == 0 ? below : below + 1;
    }
}
