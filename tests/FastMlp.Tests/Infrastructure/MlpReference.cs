// MlpReference: the bridge from FastMlp's types to the reference's, which by design share no code:
// enum by enum, float arrays widened to double (exactly), and a NaiveMlp with the same architecture.
using FastMlp.Reference;

namespace FastMlp.Tests.Infrastructure;

internal static class MlpReference
{
    public static NaiveMlp For(IReadOnlyList<int> sizes, Activation hidden, Activation output) =>
        new(sizes, ToNaive(hidden), ToNaive(output));

    public static NaiveMlp For(MlpTestCase t) => For(t.Sizes, t.Hidden, t.Output);

    public static NaiveActivation ToNaive(Activation activation) => activation switch
    {
        Activation.Identity => NaiveActivation.Identity,
        Activation.Sigmoid => NaiveActivation.Sigmoid,
        Activation.Tanh => NaiveActivation.Tanh,
        Activation.Relu => NaiveActivation.Relu,
        Activation.LeakyRelu => NaiveActivation.LeakyRelu,
        Activation.Gelu => NaiveActivation.Gelu,
        Activation.Silu => NaiveActivation.Silu,
        Activation.Softmax => NaiveActivation.Softmax,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    public static NaiveLoss ToNaive(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => NaiveLoss.MeanSquaredError,
        Loss.SumSquaredError => NaiveLoss.SumSquaredError,
        Loss.CrossEntropy => NaiveLoss.CrossEntropy,
        Loss.BinaryCrossEntropy => NaiveLoss.BinaryCrossEntropy,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>The rows of a matrix, one after another.</summary>
    public static double[] Flatten(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var result = new double[matrix.Length];
        int columns = matrix.GetLength(1);
        for (int r = 0; r < matrix.GetLength(0); r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(r * columns) + c] = matrix[r, c];
            }
        }

        return result;
    }
}
