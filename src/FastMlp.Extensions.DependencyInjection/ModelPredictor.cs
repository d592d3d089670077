// A Predictor behind a model file that can change under a running service. Each call leases the current
// predictor (an interlocked count on it, CountedPredictor), so a reload swaps the new one in atomically while
// calls in flight finish on the old one, which is disposed when the last of them leaves: no call is lost or
// answered by a mix of the two models. Acquire hands the same lease to a caller whose work spans several calls
// (PredictorLease). A lease refuses a predictor whose count has reached zero (it is being retired), and the
// caller then takes the new current one. A reload that fails (a half-written or bad file) keeps the model
// that serves and records why, which the health check reports.
namespace FastMlp.Extensions.DependencyInjection;

/// <summary>Predictions from the model file of one registration, reloaded when the file changes if asked to.</summary>
public sealed class ModelPredictor : IDisposable
{
    private readonly FastMlpPredictorOptions _options;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounce;
    private readonly Lock _reloadGate = new();
    private CountedPredictor _current;
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
        _current = new CountedPredictor(Load());
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

    /// <summary>Values per input sample of the model serving now (a reload may change it before the next call: use <see cref="Acquire"/> to check and call one model).</summary>
    public int InputSize => Volatile.Read(ref _current).Predictor.InputSize;

    /// <summary>Values per output sample of the model serving now (a reload may change it before the next call: use <see cref="Acquire"/>).</summary>
    public int OutputSize => Volatile.Read(ref _current).Predictor.OutputSize;

    /// <summary>How many models have been swapped in since the first.</summary>
    public int Reloads { get; private set; }

    /// <summary>Why the last reload failed, or null when it succeeded (or none was tried).</summary>
    public string? LastReloadError { get; private set; }

    /// <summary><see cref="Predictor.Predict"/> on the model serving when the call starts.</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        using PredictorLease lease = Acquire();
        lease.Predictor.Predict(inputs, outputs);
    }

    /// <summary><see cref="Predictor.PredictClasses"/> on the model serving when the call starts.</summary>
    public void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        using PredictorLease lease = Acquire();
        lease.Predictor.PredictClasses(inputs, classes);
    }

    /// <summary>
    /// Leases the predictor serving now, for work that must see one model throughout (a request that checks the
    /// input's shape, predicts and reads the output's width): a reload meanwhile swaps the new model in for later
    /// callers, and the leased predictor is disposed only after its last lease is. Allocates nothing.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This ModelPredictor was disposed.</exception>
    public PredictorLease Acquire()
    {
        // Retries when a reload retired the current predictor between the read and the count.
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            CountedPredictor current = Volatile.Read(ref _current);
            if (current.TryAddCall())
            {
                return new PredictorLease(current);
            }
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

            CountedPredictor old = Interlocked.Exchange(ref _current, new CountedPredictor(fresh));
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
}
