namespace FastMlp.Orleans;

/// <summary>
/// A data-parallel job stopped: a worker failed with an exception of its own other than divergence, the cluster kept
/// failing past MaxRecoveries, or the replicas were found to differ. The network holds the parameters of the last
/// good step.
/// </summary>
public sealed class DataParallelException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataParallelException()
        : this("A data-parallel job failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DataParallelException(string message)
        : this(message, -1, -1, null)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public DataParallelException(string message, Exception innerException)
        : this(message, -1, -1, innerException)
    {
    }

    internal DataParallelException(string message, int rank, long step, Exception? innerException)
        : base(message, innerException)
    {
        Rank = rank;
        Step = step;
    }

    /// <summary>The worker's rank, or −1 when the failure was not one worker's.</summary>
    public int Rank { get; }

    /// <summary>The global step (from 0) at which the job stopped, or −1.</summary>
    public long Step { get; }
}
