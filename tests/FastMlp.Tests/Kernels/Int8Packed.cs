// Int8Packed: test operands for Int8Gemm, laid out as its callers lay them out: the activations' rows zero-padded to
// whole groups of 4 depths (Int8Weights.Forward's scratch), the weights [ceil(k/4)][n padded to
// Int8Gemm.ColumnAlignment][4] with zeros past k and n (Int8Weights' packing, written here from its definition).
namespace FastMlp.Tests.Kernels;

internal sealed class Int8Packed
{
    public Int8Packed(sbyte[,] qx, sbyte[,] qw)
    {
        int rows = qx.GetLength(0), k = qx.GetLength(1), n = qw.GetLength(1);
        Groups = (k + 3) / 4;
        PaddedColumns = (n + Int8Gemm.ColumnAlignment - 1) / Int8Gemm.ColumnAlignment * Int8Gemm.ColumnAlignment;
        int depth = 4 * Groups;
        X = new sbyte[rows * depth];
        W = new sbyte[Groups * PaddedColumns * 4];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < k; i++)
            {
                X[(r * depth) + i] = qx[r, i];
            }
        }

        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                W[((long)(i / 4) * PaddedColumns * 4) + (4 * j) + (i % 4)] = qw[i, j];
            }
        }
    }

    /// <summary>Groups of 4 depths: ceil(k / 4).</summary>
    public int Groups { get; }

    /// <summary>n rounded up to Int8Gemm.ColumnAlignment.</summary>
    public int PaddedColumns { get; }

    /// <summary>The activations, [rows, 4·Groups].</summary>
    public sbyte[] X { get; }

    /// <summary>The packed weights.</summary>
    public sbyte[] W { get; }
}
