// A sense-reversing barrier for the few workers of one WorkerPool job. Phases are short (packing one
// B block), so waiters spin, then yield; they never sleep for a millisecond.
namespace FastMlp;

internal sealed class SpinBarrier
{
    private int _participants;
    private int _remaining;
    private int _phase;

    /// <summary>Starts a job with <paramref name="participants"/> workers; only while no one waits.</summary>
    public void Reset(int participants)
    {
        _participants = participants;
        Volatile.Write(ref _remaining, participants);
    }

    public void SignalAndWait()
    {
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            // Last to arrive: re-arm before releasing, so a fast worker's next arrival counts for the next phase.
            Volatile.Write(ref _remaining, _participants);
            Volatile.Write(ref _phase, phase + 1);
            return;
        }

        SpinWait spin = default;
        while (Volatile.Read(ref _phase) == phase)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
