// The coordinator of a data-parallel job (DDP's semantics, on Orleans grains). It runs where it is called (a
// client or a silo), and keeps what recovery needs outside the workers: the data, the schedule, the last
// checkpoint. A job:
//   deploy    generation g: W worker grains, each given rank 0's start (the network's parameters, or the
//             checkpoint's, and the optimizer state) and its shard (ShardSchedule.cs)
//   step      every worker runs global step s at once; the all-reduce grains of g (one per gradient bucket)
//             return the rank-ordered, sample-weighted mean gradient to all of them, and each applies it
//             (DataParallelWorker.cs)
//   checkpoint every CheckpointEvery steps and at each epoch's end, rank 0's parameters and optimizer state
//   recover   a lost silo, worker or all-reduce (an Orleans exception, a timeout, a worker that lost its
//             replica): the workers that still hold theirs are counted, generation g + 1 is deployed on that
//             many workers, re-sharding the data, from the last checkpoint; at most CheckpointEvery steps are
//             repeated. The schedule's epochs have the same steps on any number of workers, so the job resumes
//             at the checkpoint's epoch and step.
//   fail      a worker's own exception (divergence, say) stops the job: no rank applied that step, the
//             network gets rank 0's parameters of the last good step (or the checkpoint's if rank 0 cannot
//             answer), and the exception is rethrown here (TrainingDivergedException as itself).
//   finish    every replica's parameters are fetched and checked identical, and copied into the network.
// Every wait has StepTimeout; recoveries are bounded by MaxRecoveries.
using System.Diagnostics;

using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace FastMlp.Orleans;

/// <summary>Trains a network data-parallel on the worker grains of an Orleans cluster (a silo with <see cref="SiloBuilderExtensions.AddFastMlpTraining"/>).</summary>
public sealed class DataParallelTrainer
{
    private readonly IGrainFactory _grains;

    /// <param name="grains">The cluster's grain factory (an IClusterClient, or a grain's GrainFactory).</param>
    public DataParallelTrainer(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
    }

    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="training"/>, data-parallel over <see cref="DataParallelOptions.Workers"/>
    /// replicas. When it returns, the network holds the trained parameters; when it throws, those of the last good step.
    /// Each epoch's report has the training loss (the sample-weighted mean of its steps' losses, each before its update;
    /// training accuracy is NaN: the workers do not report their outputs) and, with a validation set, its metrics.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range, the data does not fit the network or the loss, has sample weights, or has fewer samples
    /// than workers (a shard would be empty).
    /// </exception>
    /// <exception cref="TrainingDivergedException">A worker's step diverged.</exception>
    /// <exception cref="DataParallelException">A worker failed in another way, or the cluster kept failing past MaxRecoveries.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (the network then holds the last good step's parameters).</exception>
    public async Task<DataParallelResult> TrainAsync(
        Network network, Dataset training, DataParallelOptions options, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        Validate(network, training, options);
        var job = new Job(_grains, network, training, options, progress);
        try
        {
            return await job.Run(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            job.Dispose();
        }
    }

    private static void Validate(Network network, Dataset training, DataParallelOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEvery, 1, nameof(options.CheckpointEvery));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BucketSize, 1, nameof(options.BucketSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecoveries, 0, nameof(options.MaxRecoveries));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSteps ?? 1, 1, nameof(options.MaxSteps));
        ArgumentNullException.ThrowIfNull(options.Optimizer, nameof(options.Optimizer));
        if (options.ThreadsPerWorker is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ThreadsPerWorker, "ThreadsPerWorker must be -1 (all cores) or at least 1.");
        }

        if (options.StepTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StepTimeout, "StepTimeout must be positive.");
        }

        CheckShape(network, training, nameof(training));
        if (options.Validation is { } validation)
        {
            CheckShape(network, validation, nameof(options.Validation));
        }

        if (!training.Weights.IsEmpty)
        {
            throw new ArgumentException("The training set has sample weights; data-parallel training does not apply them (each worker's gradients are plain batch means). Train without weights, or in one process with Trainer.Fit.", nameof(training));
        }

        if (training.Count < options.Workers)
        {
            throw new ArgumentException($"The training set has {training.Count} samples for {options.Workers} workers: a shard would be empty.", nameof(training));
        }
    }

    private static void CheckShape(Network network, Dataset data, string name)
    {
        if (data.FeatureCount != network.InputSize || data.TargetCount != network.OutputSize)
        {
            throw new ArgumentException($"{name} has {data.FeatureCount} features and {data.TargetCount} targets; the network takes {network.InputSize} inputs and gives {network.OutputSize} outputs.", name);
        }

        if (data.Count == 0)
        {
            throw new ArgumentException($"{name} is empty.", name);
        }
    }

    /// <summary>One run of TrainAsync: its state, which a recovery rebuilds from the checkpoint.</summary>
    private sealed class Job : IDisposable
    {
        // The most shard bytes one message carries: far below Orleans' 100 MB limit, and large enough that the
        // per-call cost is nothing next to the copy.
        private const int ChunkBytes = 8 << 20;

        private readonly IGrainFactory _grains;
        private readonly Network _network;
        private readonly Dataset _training;
        private readonly DataParallelOptions _options;
        private readonly IProgress<EpochReport>? _progress;
        private readonly string _id = Guid.NewGuid().ToString("N");
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        // The coordinator's own copy of the network: the checkpoint's parameters go through it (to deploy a
        // generation, to evaluate), so the caller's network changes only at the end.
        private readonly Network _shadow;
        private readonly Trainer _evaluator;
        private readonly List<EpochReport> _history = [];

        private Checkpoint _checkpoint;
        private int _generation = -1, _workers, _recoveries;
        private long _repeated;
        private IDataParallelWorker[] _ranks = [];

        // The current epoch's step losses and samples, by step within the epoch (a recovery overwrites repeated steps).
        private readonly double[] _epochLoss;
        private readonly int[] _epochSamples;
        private readonly ShardSchedule _schedule;

        public Job(IGrainFactory grains, Network network, Dataset training, DataParallelOptions options, IProgress<EpochReport>? progress)
        {
            (_grains, _network, _training, _options, _progress) = (grains, network, training, options, progress);
            _shadow = Copy(network);
            _evaluator = new Trainer(_shadow, options.Loss, options.Optimizer.Create(), maxBatch: Math.Min(256, options.Validation?.Count ?? 1), maxDegreeOfParallelism: 1);
            _schedule = new ShardSchedule(training.Count, options.Workers, options.BatchSize, options.Seed);
            _epochLoss = new double[_schedule.StepsPerEpoch];
            _epochSamples = new int[_schedule.StepsPerEpoch];
            _checkpoint = new Checkpoint(0, network.Parameters.ToArray(), null);
            _workers = options.Workers;
        }

        private bool EpochEnds(long step) => step % _schedule.StepsPerEpoch == 0 || step == TotalSteps;

        private long TotalSteps => Math.Min((long)_options.Epochs * _schedule.StepsPerEpoch, _options.MaxSteps ?? long.MaxValue);

        /// <summary>The job; whatever stops it, the caller's network gets the last good step's parameters.</summary>
        public async Task<DataParallelResult> Run(CancellationToken cancellationToken)
        {
            try
            {
                return await Steps(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                await KeepLastGoodStep().ConfigureAwait(false);
                throw;
            }
        }

        private async Task<DataParallelResult> Steps(CancellationToken cancellationToken)
        {
            long step = 0;
            try
            {
                await Deploy(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Recoverable(e))
            {
                await Recover(e, step, cancellationToken).ConfigureAwait(false);
            }

            var epochStarted = Stopwatch.GetTimestamp();
            while (step < TotalSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                StepOutcome[] outcomes;
                TimeSpan stepTime;
                try
                {
                    long started = Stopwatch.GetTimestamp();
                    outcomes = await Task.WhenAll(_ranks.Select(w => w.Step(_generation, step)))
                        .WaitAsync(_options.StepTimeout * 2, cancellationToken).ConfigureAwait(false);
                    stepTime = Stopwatch.GetElapsedTime(started);   // the step alone: a checkpoint after it is not its cost
                    ThrowIfLost(outcomes);
                    if (outcomes.All(o => o.FailureType is null) && ((step + 1) % _options.CheckpointEvery == 0 || EpochEnds(step + 1)))
                    {
                        await TakeCheckpoint(step + 1, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (Recoverable(e))
                {
                    long resumed = await Recover(e, step, cancellationToken).ConfigureAwait(false);
                    _repeated += step - resumed;
                    step = resumed;
                    continue;
                }

                if (Array.FindIndex(outcomes, o => o.FailureType is not null) is int failed and >= 0)
                {
                    throw WorkerFailure(outcomes[failed], failed, step);
                }

                step++;
                Record(outcomes, step, stepTime);
                if (EpochEnds(step))
                {
                    ReportEpoch(step, Stopwatch.GetElapsedTime(epochStarted));
                    epochStarted = Stopwatch.GetTimestamp();
                }
            }

            IReadOnlyList<float[]> replicas = await Finish(cancellationToken).ConfigureAwait(false);
            return new DataParallelResult(_history, step, _workers, _recoveries, _repeated, replicas);
        }

        public void Dispose()
        {
            _evaluator.Dispose();
            Release();
        }

        /// <summary>Starts generation + 1 on <see cref="_workers"/> workers from the checkpoint.</summary>
        private async Task Deploy(CancellationToken cancellationToken)
        {
            _generation++;
            var schedule = _schedule with { Workers = _workers };
            _checkpoint.Parameters.CopyTo(_shadow.Parameters);
            byte[] model;
            using (var stream = new MemoryStream())
            {
                _shadow.Save(stream);
                model = stream.ToArray();
            }

            _ranks = new IDataParallelWorker[_workers];
            var setups = new Task[_workers];
            for (int r = 0; r < _workers; r++)
            {
                (int start, int count) = schedule.Shard(r);
                _ranks[r] = _grains.GetGrain<IDataParallelWorker>(GrainKeys.Worker(_id, _generation, r));
                setups[r] = Initialize(_ranks[r], new WorkerSetup
                {
                    Job = _id,
                    Generation = _generation,
                    Rank = r,
                    Workers = _workers,
                    Model = new Immutable<byte[]>(model),
                    Optimizer = _options.Optimizer,
                    OptimizerState = _checkpoint.OptimizerState,
                    Loss = _options.Loss,
                    Count = count,
                    GlobalBatch = _options.BatchSize,
                    Seed = _options.Seed,
                    Threads = _options.ThreadsPerWorker,
                    StepTimeout = _options.StepTimeout,
                    TotalCount = _training.Count,
                    Step = _checkpoint.Step,
                    BucketSize = _options.BucketSize,
                }, start, count);
            }

            await Task.WhenAll(setups).WaitAsync(_options.StepTimeout, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Builds a worker's replica, then sends its shard.</summary>
        private async Task Initialize(IDataParallelWorker worker, WorkerSetup setup, int start, int count)
        {
            await worker.Initialize(setup).ConfigureAwait(false);
            await SendShard(worker, start, count).ConfigureAwait(false);
        }

        /// <summary>Sends a worker its shard, samples [start, start + count) of the data, in chunks of at most <see cref="ChunkBytes"/>.</summary>
        private async Task SendShard(IDataParallelWorker worker, int start, int count)
        {
            int nIn = _training.FeatureCount, nOut = _training.TargetCount;
            int perChunk = Math.Max(1, ChunkBytes / (sizeof(float) * (nIn + nOut)));
            for (int first = start; first < start + count; first += perChunk)
            {
                int n = Math.Min(perChunk, start + count - first);
                await worker.AddSamples(
                    _generation,
                    new Immutable<byte[]>(FloatBytes.From(_training.Features.Slice(first * nIn, n * nIn))),
                    new Immutable<byte[]>(FloatBytes.From(_training.Targets.Slice(first * nOut, n * nOut)))).ConfigureAwait(false);
            }
        }

        /// <summary>After a cluster failure at <paramref name="step"/>: counts the workers that still hold their replica and redeploys on them; returns the step resumed at.</summary>
        private async Task<long> Recover(Exception failure, long step, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (++_recoveries > _options.MaxRecoveries)
                {
                    throw new DataParallelException($"The job lost a silo, worker or all-reduce at step {step} and had recovered {_options.MaxRecoveries} times already; it stops with the parameters of step {_checkpoint.Step}.", -1, step, failure);
                }

                IDataParallelWorker[] old = _ranks;
                bool[] holds = await Task.WhenAll(old.Select(w => Holds(w, _generation))).ConfigureAwait(false);
                Release();
                int survivors = holds.Count(h => h);
                _workers = survivors > 0 ? survivors : _workers;   // none answered: the same count, placed afresh
                try
                {
                    await Deploy(cancellationToken).ConfigureAwait(false);
                    return _checkpoint.Step;
                }
                catch (Exception e) when (Recoverable(e))
                {
                    failure = e;
                }
            }
        }

        private async Task<bool> Holds(IDataParallelWorker worker, int generation)
        {
            try
            {
                return await worker.Holds(generation).WaitAsync(_options.StepTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (Recoverable(e))
            {
                return false;
            }
        }

        private async Task TakeCheckpoint(long step, CancellationToken cancellationToken)
        {
            ReplicaState replica = await _ranks[0].Replica(_generation).WaitAsync(_options.StepTimeout, cancellationToken).ConfigureAwait(false);
            _checkpoint = new Checkpoint(step, FloatBytes.View(replica.Parameters.Value, "parameters").ToArray(), replica.OptimizerState);
        }

        /// <summary>Fetches and checks every replica, and copies rank 0's parameters into the caller's network.</summary>
        private async Task<IReadOnlyList<float[]>> Finish(CancellationToken cancellationToken)
        {
            ReplicaState[] states = await Task.WhenAll(_ranks.Select(w => w.Replica(_generation))).WaitAsync(_options.StepTimeout, cancellationToken).ConfigureAwait(false);
            float[][] replicas = [.. states.Select(s => FloatBytes.View(s.Parameters.Value, "parameters").ToArray())];
            for (int r = 1; r < replicas.Length; r++)
            {
                if (!replicas[r].AsSpan().SequenceEqual(replicas[0]))
                {
                    throw new DataParallelException($"Replica {r}'s parameters differ from replica 0's after {states[0].Step} steps; data-parallel replicas must stay identical.", r, states[0].Step, null);
                }
            }

            replicas[0].CopyTo(_network.Parameters);
            return replicas;
        }

        /// <summary>
        /// After a failure the job stops on: the network gets rank 0's parameters (no rank applies a failed step), or the
        /// checkpoint's when rank 0 cannot answer.
        /// </summary>
        private async Task KeepLastGoodStep()
        {
            float[] parameters = _checkpoint.Parameters;
            if (_ranks.Length > 0)
            {
                try
                {
                    ReplicaState replica = await _ranks[0].Replica(_generation).WaitAsync(_options.StepTimeout).ConfigureAwait(false);
                    parameters = FloatBytes.View(replica.Parameters.Value, "parameters").ToArray();
                }
                catch (Exception e) when (Recoverable(e) || e is InvalidOperationException)
                {
                    // rank 0 is gone too (or never got its replica): the checkpoint is the last good state there is
                }
            }

            parameters.CopyTo(_network.Parameters);
        }

        private void Record(StepOutcome[] outcomes, long step, TimeSpan stepTime)
        {
            StepOutcome first = outcomes[0];
            int inEpoch = (int)((step - 1) % _schedule.StepsPerEpoch);
            _epochLoss[inEpoch] = (double)first.Loss * first.Samples;
            _epochSamples[inEpoch] = first.Samples;
            if (_options.StepProgress is not { } stepProgress)
            {
                return;
            }

            double compute = 0, reduce = double.MaxValue;
            foreach (StepOutcome o in outcomes)
            {
                compute = Math.Max(compute, o.ComputeSeconds);
                reduce = Math.Min(reduce, o.ReduceSeconds);
            }

            long gradientBytes = 2L * _shadow.Parameters.Length * sizeof(float) * outcomes.Length;
            stepProgress.Report(new StepReport(
                step, (int)((step - 1) / _schedule.StepsPerEpoch) + 1, first.Loss, first.Samples, outcomes.Length,
                stepTime, TimeSpan.FromSeconds(compute), TimeSpan.FromSeconds(reduce), gradientBytes));
        }

        private void ReportEpoch(long step, TimeSpan epochTime)
        {
            int epoch = (int)((step - 1) / _schedule.StepsPerEpoch) + 1;
            int steps = (int)((step - 1) % _schedule.StepsPerEpoch) + 1;
            double loss = 0;
            long samples = 0;
            for (int i = 0; i < steps; i++)
            {
                loss += _epochLoss[i];
                samples += _epochSamples[i];
            }

            EpochMetrics? validation = null;
            if (_options.Validation is { } data)
            {
                _checkpoint.Parameters.CopyTo(_shadow.Parameters);
                validation = _evaluator.Evaluate(data);
            }

            var report = new EpochReport(
                epoch, _options.Epochs, _options.Optimizer.LearningRate, new EpochMetrics((float)(loss / samples), float.NaN, float.NaN),
                validation, samples / epochTime.TotalSeconds, _clock.Elapsed);
            _history.Add(report);
            _progress?.Report(report);
        }

        private static void ThrowIfLost(StepOutcome[] outcomes)
        {
            int lost = Array.FindIndex(outcomes, o => o.Lost);
            if (lost >= 0)
            {
                throw new WorkerLostException(lost);
            }

            if (outcomes.Any(o => o.Aborted) && !outcomes.Any(o => o.FailureType is not null))
            {
                throw new WorkerLostException(-1);   // aborted by a rank whose failure never reached us
            }
        }

        private static Exception WorkerFailure(StepOutcome outcome, int rank, long step)
        {
            string message = $"Worker {rank} failed at step {step} ({outcome.FailureType}): {outcome.Failure}";
            return outcome.FailureType == typeof(TrainingDivergedException).FullName
                ? new TrainingDivergedException(message)
                : new DataParallelException(message, rank, step, null);
        }

        /// <summary>A failure of the cluster rather than of the training: the job recovers from its checkpoint.</summary>
        private static bool Recoverable(Exception e) => e is TimeoutException or OrleansException or WorkerLostException;

        /// <summary>Releases the current generation's workers and all-reduce, best effort: a dead silo's grains are gone anyway.</summary>
        private void Release()
        {
            if (_generation < 0)
            {
                return;
            }

            int buckets = GrainKeys.Buckets(_shadow.Parameters.Length, _options.BucketSize);
            IEnumerable<Task> releases = _ranks.Select(w => w.Release())
                .Concat(Enumerable.Range(0, buckets).Select(b => _grains.GetGrain<IGradientReducer>(GrainKeys.Reducer(_id, _generation, b)).Release()));
            foreach (Task release in releases)
            {
                _ = release.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }

        private static Network Copy(Network network)
        {
            using var stream = new MemoryStream();
            network.Save(stream);
            stream.Position = 0;
            return Network.Load(stream);
        }
    }

    /// <summary>A global step and rank 0's parameters and optimizer state after it (null: fresh).</summary>
    private sealed record Checkpoint(long Step, float[] Parameters, OptimizerStateData? OptimizerState);

    /// <summary>A worker of the current generation has lost its replica (or a step was aborted by one that vanished).</summary>
    private sealed class WorkerLostException(int rank) : Exception($"Worker {rank} lost its replica.");
}
