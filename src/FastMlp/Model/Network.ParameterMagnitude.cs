// What the Trainer's update guard knows of max |p| between steps, so that a step need not read the
// parameters to bound its update (at batch 1 that read pass would cost more than the guard may). The last
// update reports max |p| over the values it wrote; the value holds until anyone takes Network.Parameters,
// which counts in _parametersTaken (a Step reads that count before its update and records it with the
// magnitude; a later count means the values may have been written since). Races between threads only
// ever change the count, which is all the check needs. Everything inside the library that writes the
// parameters either takes Parameters (Load, Fit's best-epoch restore) or is the guarded update itself.
namespace FastMlp;

public sealed partial class Network
{
    private long _parametersTaken;
    private long _magnitudeTaken = -1;
    private float _largestParameter;

    /// <summary>The parameter buffer, for the Trainer: its span without counting as taken, and its identity.</summary>
    internal PinnedFloats ParameterBuffer => _parameters;

    /// <summary>How many times Parameters has been taken; pass it to <see cref="LargestParameter"/> and <see cref="RecordLargestParameter"/>.</summary>
    internal long ParametersTaken => Volatile.Read(ref _parametersTaken);

    /// <summary>max |p| as the last update recorded it, or NaN when Parameters was taken since (then read them).</summary>
    internal float LargestParameter(long taken) => taken == _magnitudeTaken ? _largestParameter : float.NaN;

    /// <summary>Records max |p| after an update that began when Parameters had been taken <paramref name="taken"/> times.</summary>
    internal void RecordLargestParameter(float largest, long taken)
    {
        _largestParameter = largest;
        _magnitudeTaken = taken;
    }
}
