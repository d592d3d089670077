// The bytes Orleans actually wrote to its connections, every silo and client of this process together: the sum of
// Orleans' "orleans-messaging-sent-messages-size" histogram (one measurement per message sent over a connection,
// header and body; calls within one silo are not messages on a connection and add nothing). The in-process test
// cluster's silos and client talk over loopback sockets like separate machines, so this is what a network would
// carry. Background traffic (membership probes, both clusters of the run) is counted too; it is a few hundred bytes
// per second.
using System.Diagnostics.Metrics;

namespace ClusterScaling;

internal sealed class WireBytes : IDisposable
{
    private const string MeterName = "Microsoft.Orleans", SentSize = "orleans-messaging-sent-messages-size";
    private readonly MeterListener _listener = new();
    private long _total;

    public WireBytes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == SentSize)
            {
                listener.EnableMeasurementEvents(instrument);
                Instruments++;
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, bytes, _, _) => Interlocked.Add(ref _total, bytes));
        _listener.Start();
    }

    /// <summary>Bytes sent since this listener started.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Instances of the instrument found (one per silo or client host); 0 means Orleans renamed it.</summary>
    public int Instruments { get; private set; }

    public void Dispose() => _listener.Dispose();
}
