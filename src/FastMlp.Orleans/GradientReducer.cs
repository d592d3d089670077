// The all-reduce grain of one gradient bucket of one generation of a job. Every rank calls Reduce once per step and waits in it
// for the others, so the grain is reentrant: a non-reentrant grain would run the first call to its await and
// queue the rest behind it, a deadlock broken only by the timeout. Orleans still runs one call at a time
// between awaits, so the round's fields need no lock. The last contribution to arrive sums them in rank
// order (GradientSum.cs) and completes the round for everyone.
// Rounds: one step at a time (the coordinator starts step s + 1 only when every rank finished step s). A
// contribution to a later step while a round is open means that round can never finish: it is failed.
// Every wait ends: the round's result, a rank's Abort (a result marked aborted), or the timeout (TimeoutException: a rank never came,
// typically because its silo died; the coordinator then recovers from its last checkpoint).
using System.Runtime.InteropServices;

using Orleans;
using Orleans.Concurrency;

namespace FastMlp.Orleans;

[Reentrant]
[RankPlacement]
internal sealed class GradientReducer : Grain, IGradientReducer
{
    private long _step = -1;
    private Round? _round;

    // The mean's buffer, reused round after round: a round completes only when every rank has finished the one
    // before it (applied its mean, and had it serialized if it is in another silo), so nobody reads it any more.
    private byte[] _mean = [];

    public Task<ReduceResult> Reduce(long step, int rank, int workers, int samples, float loss, Immutable<byte[]>? gradients, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if ((uint)rank >= (uint)workers)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Rank {rank} is not in [0, {workers}).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        if (step < _step)
        {
            throw new InvalidOperationException($"Rank {rank} contributed to step {step}, but this all-reduce is at step {_step}.");
        }

        if (step > _step)
        {
            _round?.Done.TrySetException(new TimeoutException($"Step {_step} of the all-reduce never completed: step {step} started before every rank had contributed."));
            (_step, _round) = (step, new Round(workers));
        }

        Round round = _round!;
        if (round.Done.Task.IsCompleted)
        {
            return round.Done.Task;   // aborted before this rank arrived
        }

        round.Add(rank, workers, samples, loss, gradients);
        if (round.Arrived == workers)
        {
            round.Complete(ref _mean);
        }

        return round.Done.Task.WaitAsync(timeout);
    }

    public Task Abort(long step, int rank, string reason)
    {
        if (step == _step && _round is not null)
        {
            _round.Done.TrySetResult(ReduceResult.AbortedBy(rank, reason));
        }
        else if (step > _step)
        {
            // The aborting rank got here first: open the round failed, so the others fail as they arrive.
            (_step, _round) = (step, new Round(0));
            _round.Done.TrySetResult(ReduceResult.AbortedBy(rank, reason));
        }

        return Task.CompletedTask;
    }

    public Task Release()
    {
        _round?.Done.TrySetException(new TimeoutException($"The all-reduce was released during step {_step}."));
        _round = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>One step's contributions.</summary>
    private sealed class Round(int workers)
    {
        private readonly byte[]?[] _payloads = new byte[]?[workers];
        private readonly int[] _samples = new int[workers];
        private readonly float[] _losses = new float[workers];
        private readonly bool[] _arrived = new bool[workers];
        private int _length = -1;

        public TaskCompletionSource<ReduceResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Arrived { get; private set; }

        public void Add(int rank, int workers, int samples, float loss, Immutable<byte[]>? gradients)
        {
            if (workers != _arrived.Length)
            {
                throw new ArgumentException($"Rank {rank} says the step has {workers} workers; the first rank to contribute said {_arrived.Length}.", nameof(workers));
            }

            if (_arrived[rank])
            {
                throw new InvalidOperationException($"Rank {rank} contributed to this step twice.");
            }

            byte[]? payload = gradients?.Value;
            if (samples > 0)
            {
                if (payload is null)
                {
                    throw new ArgumentException($"Rank {rank} has {samples} samples but sent no gradients.", nameof(gradients));
                }

                int length = FloatBytes.View(payload, nameof(gradients)).Length;
                if (_length >= 0 && length != _length)
                {
                    throw new ArgumentException($"Rank {rank} sent {length} gradients; the ranks before it sent {_length}. Every replica must have the same architecture.", nameof(gradients));
                }

                _length = length;
            }

            _arrived[rank] = true;
            _payloads[rank] = payload;
            _samples[rank] = samples;
            _losses[rank] = loss;
            Arrived++;
        }

        /// <summary>Sums in rank order and completes the round.</summary>
        public void Complete(ref byte[] bytes)
        {
            int length = Math.Max(_length, 0) * sizeof(float);
            if (bytes.Length != length)
            {
                bytes = new byte[length];
            }

            Span<float> mean = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            mean.Clear();   // the last round's mean: GradientSum.Add accumulates
            int total = 0;
            for (int r = 0; r < _payloads.Length; r++)
            {
                if (_samples[r] > 0)
                {
                    GradientSum.Add(FloatBytes.View(_payloads[r]!, "gradients"), _samples[r], mean);
                    total += _samples[r];
                }
            }

            GradientSum.Finish(mean, total);
            Done.TrySetResult(new ReduceResult
            {
                Mean = new Immutable<byte[]>(bytes),
                Loss = GradientSum.Loss(_losses, _samples),
                Samples = total,
            });
        }
    }
}
