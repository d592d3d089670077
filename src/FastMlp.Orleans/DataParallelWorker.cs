// A worker grain: rank r of one generation of a job, holding a replica (Network, Trainer, optimizer) and
// its shard. A step is: gather the schedule's batch (ShardSchedule.cs), ComputeGradients, contribute to the
// all-reduce and wait for the mean, ApplyGradients(mean). Every replica starts from the same parameters and
// optimizer state and applies the same mean, so the replicas stay identical bit for bit.
// Failures:
//   - its own (ComputeGradients or ApplyGradients throws: divergence, bad data): the step is aborted at the
//     all-reduce, so no rank applies anything, and the outcome carries the exception for the coordinator to
//     stop the job with. ApplyGradients runs the same update on the same state everywhere, so when it
//     refuses, every rank refuses.
//   - the cluster's (the all-reduce's silo died, a rank never came: TimeoutException): they propagate as
//     exceptions, and the coordinator recovers from its last checkpoint.
//   - a lost replica: a call for a generation this activation does not hold (the silo that held it died and
//     Orleans activated the grain afresh elsewhere) comes back Lost.
// A gradient longer than BucketSize floats goes out in buckets, one all-reduce grain each, all at once.
// The replica's Trainer step allocates nothing when warm; the gradient payload buffers are reused, since the
// all-reduce is done with them when Reduce returns. What Orleans allocates to move the messages is its own.
using System.Diagnostics;

using Orleans;
using Orleans.Concurrency;

namespace FastMlp.Orleans;

[RankPlacement]
internal sealed class DataParallelWorker : Grain, IDataParallelWorker, IDisposable
{
    private WorkerSetup? _setup;
    private Trainer? _trainer;
    private IStatefulOptimizer? _optimizer;
    private IGradientReducer[] _reducers = [];
    private ShardSchedule _schedule;
    private float[] _features = [], _targets = [], _batchFeatures = [], _batchTargets = [];
    private int[] _order = [];
    private int _orderEpoch = -1;
    private byte[]?[] _payloads = [];
    private float[] _mean = [];
    private int _parameterCount;
    private long _step;
    private int _received;   // samples of the shard received so far

    public Task Initialize(WorkerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        Drop();
        Network network;
        using (var model = new MemoryStream(setup.Model.Value, writable: false))
        {
            network = Network.Load(model);
        }

        IStatefulOptimizer optimizer = setup.Optimizer.Create();
        if (setup.OptimizerState is { } state)
        {
            optimizer.LoadState(state.ToSnapshot());
        }

        _schedule = new ShardSchedule(setup.TotalCount, setup.Workers, setup.GlobalBatch, setup.Seed);
        int features = network.InputSize, targets = network.OutputSize;
        _features = new float[(long)setup.Count * features];
        _targets = new float[(long)setup.Count * targets];
        _received = 0;

        int maxBatch = Math.Max(1, _schedule.MaxBatch(setup.Count));
        _batchFeatures = new float[maxBatch * features];
        _batchTargets = new float[maxBatch * targets];
        _order = new int[setup.Count];
        _orderEpoch = -1;
        _trainer = new Trainer(network, setup.Loss, optimizer, maxBatch, setup.Threads) { KeepsGradients = true };
        _optimizer = optimizer;
        int parameters = network.Parameters.Length, buckets = GrainKeys.Buckets(parameters, setup.BucketSize);
        _reducers = [.. Enumerable.Range(0, buckets).Select(b => GrainFactory.GetGrain<IGradientReducer>(GrainKeys.Reducer(setup.Job, setup.Generation, b)))];
        _payloads = new byte[]?[buckets];
        _mean = buckets > 1 ? new float[parameters] : [];
        _parameterCount = parameters;
        _step = setup.Step;
        _setup = setup;
        return Task.CompletedTask;
    }

    public Task AddSamples(int generation, Immutable<byte[]> features, Immutable<byte[]> targets)
    {
        if (_setup is not { } setup || setup.Generation != generation)
        {
            throw new InvalidOperationException($"This worker holds no replica of generation {generation}: its state was lost.");
        }

        ReadOnlySpan<float> x = FloatBytes.View(features.Value, nameof(features)), t = FloatBytes.View(targets.Value, nameof(targets));
        int nIn = _trainer!.Network.InputSize, nOut = _trainer.Network.OutputSize;
        int samples = x.Length / nIn;
        if (x.Length != samples * nIn || t.Length != samples * nOut || samples > setup.Count - _received)
        {
            throw new ArgumentException($"A chunk of {x.Length} feature and {t.Length} target values is not a whole number of the {setup.Count - _received} samples the shard still needs ({nIn} features and {nOut} targets each).", nameof(features));
        }

        x.CopyTo(_features.AsSpan(_received * nIn));
        t.CopyTo(_targets.AsSpan(_received * nOut));
        _received += samples;
        return Task.CompletedTask;
    }

    public async Task<StepOutcome> Step(int generation, long step)
    {
        if (_setup is not { } setup || setup.Generation != generation)
        {
            // A fresh activation (the replica died with its silo): abort the step at bucket 0's all-reduce (the ranks
            // waiting there abort the other buckets), so they return now instead of at their timeout.
            string key = this.GetPrimaryKeyString();
            string generationKey = key[..key.LastIndexOf('/')];
            await GrainFactory.GetGrain<IGradientReducer>($"{generationKey}/0").Abort(step, GrainKeys.Rank(key), "its replica was lost");
            return new StepOutcome { Lost = true };
        }

        if (_received != setup.Count)
        {
            throw new InvalidOperationException($"Rank {setup.Rank} has {_received} of its shard's {setup.Count} samples; the coordinator started a step before sending them all.");
        }

        if (step != _step)
        {
            throw new InvalidOperationException($"Rank {setup.Rank} is at step {_step}; the coordinator asked for step {step}.");
        }

        long started = Stopwatch.GetTimestamp();
        int samples;
        float loss = 0;
        try
        {
            samples = GatherBatch(step);
            if (samples > 0)
            {
                loss = _trainer!.ComputeGradients(
                    _batchFeatures.AsSpan(0, samples * _trainer.Network.InputSize), _batchTargets.AsSpan(0, samples * _trainer.Network.OutputSize));
                ReadOnlySpan<float> gradients = _trainer.Gradients;
                for (int b = 0; b < _payloads.Length; b++)
                {
                    FloatBytes.Into(gradients[Bucket(b)], ref _payloads[b]);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await AbortAll(step, e.Message);
            return Failed(e);
        }

        long computed = Stopwatch.GetTimestamp();
        ReduceResult[] means = await ReduceAll(step, samples, loss);
        long reduced = Stopwatch.GetTimestamp();
        if (means.Any(m => m.Aborted is not null))
        {
            return new StepOutcome { Aborted = true };
        }

        ReduceResult mean = means[0];
        try
        {
            if (mean.Samples > 0)
            {
                _trainer!.ApplyGradients(Mean(means));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(e);
        }

        _step++;
        return new StepOutcome
        {
            Loss = mean.Loss,
            Samples = mean.Samples,
            ComputeSeconds = Stopwatch.GetElapsedTime(started, computed).TotalSeconds,
            ReduceSeconds = Stopwatch.GetElapsedTime(computed, reduced).TotalSeconds,
        };
    }

    public Task<ReplicaState> Replica(int generation)
    {
        if (_setup is not { } setup || setup.Generation != generation)
        {
            throw new InvalidOperationException($"This worker holds no replica of generation {generation}: its state was lost.");
        }

        return Task.FromResult(new ReplicaState
        {
            Step = _step,
            Parameters = new Immutable<byte[]>(FloatBytes.From(_trainer!.Network.Parameters)),
            OptimizerState = OptimizerStateData.From(_optimizer!.SaveState()),
        });
    }

    public Task<bool> Holds(int generation) => Task.FromResult(_setup?.Generation == generation);

    public Task Release()
    {
        Drop();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Drop();
        return Task.CompletedTask;
    }

    public void Dispose() => Drop();

    /// <summary>
    /// Every bucket's all-reduce at once. When one comes back aborted, the others are aborted too (a lost rank can only
    /// abort bucket 0), so every rank sees the step aborted and none applies it.
    /// </summary>
    private async Task<ReduceResult[]> ReduceAll(long step, int samples, float loss)
    {
        WorkerSetup setup = _setup!;
        var calls = new Task<ReduceResult>[_reducers.Length];
        for (int b = 0; b < calls.Length; b++)
        {
            calls[b] = _reducers[b].Reduce(step, setup.Rank, setup.Workers, samples, loss, samples > 0 ? new Immutable<byte[]>(_payloads[b]!) : null, setup.StepTimeout);
        }

        if (calls.Length > 1)
        {
            await foreach (Task<ReduceResult> done in Task.WhenEach(calls))
            {
                if ((await done).Aborted is { } reason)
                {
                    await AbortAll(step, reason);
                    break;
                }
            }
        }

        return await Task.WhenAll(calls);
    }

    private Task AbortAll(long step, string reason) => Task.WhenAll(_reducers.Select(r => r.Abort(step, _setup!.Rank, reason)));

    /// <summary>The mean gradient: the only bucket's result viewed in place, or every bucket's copied into one buffer.</summary>
    private ReadOnlySpan<float> Mean(ReduceResult[] means)
    {
        if (means.Length == 1)
        {
            return FloatBytes.View(means[0].Mean.Value, "mean");
        }

        for (int b = 0; b < means.Length; b++)
        {
            FloatBytes.View(means[b].Mean.Value, "mean").CopyTo(_mean.AsSpan(Bucket(b)));
        }

        return _mean;
    }

    /// <summary>Where bucket <paramref name="b"/> lies in a parameter-length buffer.</summary>
    private Range Bucket(int b)
    {
        int size = _setup!.BucketSize, start = b * size;
        return start..Math.Min(start + size, _parameterCount);
    }

    /// <summary>Copies the samples of global step <paramref name="step"/> into the batch buffers; returns how many.</summary>
    private int GatherBatch(long step)
    {
        int steps = _schedule.StepsPerEpoch, epoch = (int)(step / steps);
        if (epoch != _orderEpoch)
        {
            _schedule.Order(_setup!.Rank, epoch, _order);
            _orderEpoch = epoch;
        }

        (int start, int count) = _schedule.Batch(_order.Length, (int)(step % steps));
        int nIn = _trainer!.Network.InputSize, nOut = _trainer.Network.OutputSize;
        for (int i = 0; i < count; i++)
        {
            int sample = _order[start + i];
            _features.AsSpan(sample * nIn, nIn).CopyTo(_batchFeatures.AsSpan(i * nIn));
            _targets.AsSpan(sample * nOut, nOut).CopyTo(_batchTargets.AsSpan(i * nOut));
        }

        return count;
    }

    private static StepOutcome Failed(Exception e) => new() { FailureType = e.GetType().FullName, Failure = e.Message };

    private void Drop()
    {
        _trainer?.Dispose();
        (_setup, _trainer, _optimizer) = (null, null, null);
        (_reducers, _payloads, _mean) = ([], [], []);
        (_features, _targets, _batchFeatures, _batchTargets, _order) = ([], [], [], [], []);
    }
}
