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
// The replica's Trainer step allocates nothing when warm; the gradient payload buffer is reused, since the
// all-reduce is done with it when Reduce returns. What Orleans allocates to move the messages is its own.
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
    private IGradientReducer? _reducer;
    private ShardSchedule _schedule;
    private float[] _features = [], _targets = [], _batchFeatures = [], _batchTargets = [];
    private int[] _order = [];
    private int _orderEpoch = -1;
    private byte[]? _payload;
    private long _step;

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
        _features = FloatBytes.View(setup.Features.Value, nameof(setup.Features)).ToArray();
        _targets = FloatBytes.View(setup.Targets.Value, nameof(setup.Targets)).ToArray();
        if (_features.Length != (long)setup.Count * features || _targets.Length != (long)setup.Count * targets)
        {
            throw new ArgumentException($"The shard has {_features.Length} feature and {_targets.Length} target values; {setup.Count} samples need {(long)setup.Count * features} and {(long)setup.Count * targets}.", nameof(setup));
        }

        int maxBatch = Math.Max(1, _schedule.MaxBatch(setup.Count));
        _batchFeatures = new float[maxBatch * features];
        _batchTargets = new float[maxBatch * targets];
        _order = new int[setup.Count];
        _orderEpoch = -1;
        _trainer = new Trainer(network, setup.Loss, optimizer, maxBatch, setup.Threads) { KeepsGradients = true };
        _optimizer = optimizer;
        _reducer = GrainFactory.GetGrain<IGradientReducer>(GrainKeys.Reducer(setup.Job, setup.Generation));
        _step = setup.Step;
        _setup = setup;
        return Task.CompletedTask;
    }

    public async Task<StepOutcome> Step(int generation, long step)
    {
        if (_setup is not { } setup || setup.Generation != generation)
        {
            // A fresh activation (the replica died with its silo): abort the step, so the ranks waiting at the
            // all-reduce return now instead of at their timeout. The key names the job, generation and rank.
            string key = this.GetPrimaryKeyString();
            await GrainFactory.GetGrain<IGradientReducer>(key[..key.LastIndexOf('/')]).Abort(step, GrainKeys.Rank(key), "its replica was lost");
            return new StepOutcome { Lost = true };
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
                FloatBytes.Into(_trainer.Gradients, ref _payload);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await _reducer!.Abort(step, setup.Rank, e.Message);
            return Failed(e);
        }

        long computed = Stopwatch.GetTimestamp();
        ReduceResult mean = await _reducer!.Reduce(
            step, setup.Rank, setup.Workers, samples, loss, samples > 0 ? new Immutable<byte[]>(_payload!) : null, setup.StepTimeout);
        long reduced = Stopwatch.GetTimestamp();
        if (mean.Aborted is not null)
        {
            return new StepOutcome { Aborted = true };
        }

        try
        {
            if (mean.Samples > 0)
            {
                _trainer!.ApplyGradients(FloatBytes.View(mean.Mean.Value, "mean"));
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
        (_setup, _trainer, _optimizer, _reducer, _payload) = (null, null, null, null, null);
        (_features, _targets, _batchFeatures, _batchTargets, _order) = ([], [], [], [], []);
    }
}
