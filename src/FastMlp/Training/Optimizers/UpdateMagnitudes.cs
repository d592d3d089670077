// What an update kernel reports of the values it wrote, for the Trainer's update guard: max |p| over the
// parameters and max |s| over each state buffer after the step (Magnitude: +∞ or NaN as soon as one
// value is not finite; 0 for a buffer the optimizer does not have). MagnitudeBits gathers them over the
// pieces of one update (the vector body and the tail, or the tiles of a fused store).
using System.Runtime.CompilerServices;

namespace FastMlp;

/// <summary>max |p| and max |s| of the first and second state buffers, after one update.</summary>
internal readonly record struct UpdateMagnitudes(float Parameters, float First, float Second);

/// <summary>The Magnitude bits of max |p|, max |s1| and max |s2| so far; zero when nothing was written.</summary>
internal struct MagnitudeBits
{
    private uint _parameters, _first, _second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint parameters, uint first, uint second)
    {
        _parameters = Math.Max(_parameters, parameters);
        _first = Math.Max(_first, first);
        _second = Math.Max(_second, second);
    }

    public void Add(UpdateMagnitudes written) => Add(Magnitude.Bits(written.Parameters), Magnitude.Bits(written.First), Magnitude.Bits(written.Second));

    /// <summary>The three as Magnitude bits.</summary>
    public readonly (uint Parameters, uint First, uint Second) Bits => (_parameters, _first, _second);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly UpdateMagnitudes Values() => new(Magnitude.Value(_parameters), Magnitude.Value(_first), Magnitude.Value(_second));
}
