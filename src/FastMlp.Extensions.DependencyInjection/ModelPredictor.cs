// A Predictor behind a model file that can change under a running service. Each call leases the current
// predictor (an interlocked count on it), so a reload swaps the new one in atomically while calls in flight
// finish on the old one, which is disposed when the last of them leaves: no call is lost or answered by a
// mix of the two models. The lease refuses a predictor whose count has reached zero (it is being retired),
// and the caller then takes the new current one. A reload that fails (a half-written or bad file) keeps the
// model that serves and records why, which the health check reports.
namespace FastMlp.Extensions.DependencyInjection;

/// <summary>Predictions from the model file of one registration, reloaded when the file changes if asked to.</summary>
public sealed class ModelPredictor : IDisposable
{
    private readonly FastMlpPredictorOptions _options;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounce;
    private readonly Lock _reloadGate = new();
    private Lease _current;
    private int _disposed;

    /// <summary>Loads the model; throws when the file is missing or not a model.</summary>
    /// <exception cref="ArgumentException">ModelPath is empty.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    public ModelPredictor(FastMlpPredictorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            throw new ArgumentException("FastMlpPredictorOptions.ModelPath is required.", nameof(options));
        }

        _options = options;
        _current = new Lease(Load());
        if (options.ReloadOnChange)
        {
            string path = Path.GetFullPath(options.ModelPath);
            _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Values per input sample of the model serving now.</summary>
    public int InputSize => Volatile.Read(ref _current).Predictor.InputSize;

    /// <summary>Values per output sample of the model serving now.</summary>
    public int OutputSize => Volatile.Read(ref _current).Predictor.OutputSize;

    /// <summary>How many models have been swapped in since the first.</summary>
    public int Reloads { get; private set; }

    /// <summary>Why the last reload failed, or null when it succeeded (or none was tried).</summary>
    public string? LastReloadError { get; private set; }

    /// <summary><see cref="Predictor.Predict"/> on the model serving when the call starts.</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        Lease lease = Acquire();
        try
        {
            lease.Predictor.Predict(inputs, outputs);
        }
        finally
        {
            lease.Release();
        }
    }

    /// <summary><see cref="Predictor.PredictClasses"/> on the model serving when the call starts.</summary>
    public void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        Lease lease = Acquire();
        try
        {
            lease.Predictor.PredictClasses(inputs, classes);
        }
        finally
        {
            lease.Release();
        }
    }

    /// <summary>Loads the file now and swaps it in; on failure keeps the model serving and records why. Returns whether it swapped.</summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }

            Predictor fresh;
            try
            {
                fresh = Load();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFormatException)
            {
                LastReloadError = $"{e.GetType().Name}: {e.Message}";
                return false;
            }

            Lease old = Interlocked.Exchange(ref _current, new Lease(fresh));
            old.Release();
            Reloads++;
            LastReloadError = null;
            return true;
        }
    }

    /// <summary>Stops watching the file and retires the model; calls in flight finish, later calls throw ObjectDisposedException.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        _debounce?.Dispose();
        lock (_reloadGate)
        {
            _current.Release();
        }
    }

    private Predictor Load() =>
        Predictor.Load(_options.ModelPath, new PredictorOptions { MaxBatch = _options.MaxBatch, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism });

    private void ScheduleReload()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _debounce?.Change(_options.ReloadDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The current predictor with one more call counted on it; retries when a reload retired it in between.</summary>
    private Lease Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Lease lease = Volatile.Read(ref _current);
            if (lease.TryAddCall())
            {
                return lease;
            }
        }
    }

    /// <summary>
    /// A predictor and its count: 1 for being current plus 1 per call inside. It is disposed when the count reaches 0,
    /// after which no call may join (TryAddCall never takes it back up from 0).
    /// </summary>
    private sealed class Lease(Predictor predictor)
    {
        private int _count = 1;

        public Predictor Predictor { get; } = predictor;

        public bool TryAddCall()
        {
            for (int count = Volatile.Read(ref _count); count > 0; count = Volatile.Read(ref _count))
            {
                if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
                {
                    return true;
                }
            }

            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _count) == 0)
            {
                Predictor.Dispose();
            }
        }
    }
}
