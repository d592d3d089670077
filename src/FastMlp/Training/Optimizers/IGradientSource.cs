// Where the update driver (UpdateDriver.cs) takes a register of gradients from: a buffer that holds them,
// or, in the fused backward pass at small batches, the row of dW = xᵀ·dZ computed on the spot, each element
// the sum the GEMM's micro-kernel forms (from zero, one fused multiply-add per sample in order), so the same
// bits as the stored gradient would have.
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <typeparam name="TSelf">The source itself: a row of it is a source of the same kind.</typeparam>
internal interface IGradientSource<TSelf>
    where TSelf : struct, IGradientSource<TSelf>
{
    /// <summary>The source of row <paramref name="row"/> of the parameters the driver updates, counted from this source's first row.</summary>
    TSelf Row(nint row);

    /// <summary>The gradients of the TLanes.Count parameters from column <paramref name="j"/> on, in this source's row.</summary>
    TVector Load<TLanes, TVector>(nint j)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct;
}

/// <summary>Gradients stored at <paramref name="gradients"/>, parallel to the parameters, rows <paramref name="columns"/> apart.</summary>
internal readonly unsafe struct StoredGradients(float* gradients, nint columns) : IGradientSource<StoredGradients>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StoredGradients Row(nint row) => new(gradients + (row * columns), columns);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Load<TLanes, TVector>(nint j)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct =>
        TLanes.Load(gradients + j);
}

/// <summary>
/// dW = xᵀ·dZ for a batch of 1 to <see cref="MaxBatch"/> samples, x [batch, In] and dZ [batch, Out] row-major: element
/// (r, j) is Σ_b x[b, r] · dZ[b, j]. A row's x values are read once, into fields, when the driver takes the row: its
/// loop then keeps them in registers and broadcasts them outside the loop over the columns.
/// </summary>
internal readonly unsafe struct OuterProductGradients : IGradientSource<OuterProductGradients>
{
    /// <summary>The most samples it takes.</summary>
    public const int MaxBatch = 4;

    private readonly float* _x, _dZ;
    private readonly int _nIn, _nOut, _batch;
    private readonly float _x0, _x1, _x2, _x3;

    /// <param name="x">x [batch, nIn], row-major.</param>
    /// <param name="nIn">Columns of x, rows of dW.</param>
    /// <param name="dZ">dZ [batch, nOut], row-major.</param>
    /// <param name="nOut">Columns of dZ and dW.</param>
    /// <param name="batch">1 to <see cref="MaxBatch"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OuterProductGradients(float* x, int nIn, float* dZ, int nOut, int batch)
    {
        _x = x;
        _dZ = dZ;
        (_nIn, _nOut, _batch) = (nIn, nOut, batch);
        _x0 = x[0];
        _x1 = batch > 1 ? x[nIn] : 0;
        _x2 = batch > 2 ? x[2 * nIn] : 0;
        _x3 = batch > 3 ? x[3 * nIn] : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OuterProductGradients Row(nint row) => new(_x + row, _nIn, _dZ, _nOut, _batch);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Load<TLanes, TVector>(nint j)
        where TLanes : struct, IGemmLanes<TVector>
        where TVector : struct
    {
        float* dz = _dZ + j;
        TVector sum = TLanes.MultiplyAdd(TLanes.Broadcast(_x0), TLanes.Load(dz), default);
        if (_batch > 1)
        {
            sum = TLanes.MultiplyAdd(TLanes.Broadcast(_x1), TLanes.Load(dz + _nOut), sum);
            if (_batch > 2)
            {
                sum = TLanes.MultiplyAdd(TLanes.Broadcast(_x2), TLanes.Load(dz + (2 * _nOut)), sum);
                if (_batch > 3)
                {
                    sum = TLanes.MultiplyAdd(TLanes.Broadcast(_x3), TLanes.Load(dz + (3 * _nOut)), sum);
                }
            }
        }

        return sum;
    }
}
