using System.Diagnostics;
using System.Runtime;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// Runs a system's timed call in its [GlobalSetup] until tiered compilation has finished with it, so no case is timed
/// on code the JIT has not optimised yet. The runtime starts counting calls only after 100 ms without new Tier-0
/// compilation, promotes a method in steps (Tier-0, instrumented, Tier-1) and recompiles in the background, while
/// BenchmarkDotNet's own stages keep compiling; measured: the quick job timed FastMlp's B = 1 training step at
/// 587-594 µs (Tier-0) where the same step runs at 49-55 µs optimised, and even the full job timed the first W2 case
/// at 136 µs, still mid-tiering. The warm-up calls until the JIT has compiled nothing for <see cref="s_quiet"/>.
/// </summary>
internal static class SetupWarmup
{
    /// <summary>No compilation for this long means every hot method has reached its last tier: longer than the
    /// 100 ms call-counting delay plus a background recompilation.</summary>
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(250);

    /// <summary>A bound for a machine so loaded that the JIT never goes quiet.</summary>
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(4);

    /// <summary>False for the dry run, which measures nothing and runs every case once, cold.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Calls <paramref name="call"/> (at least twice) until no method has been compiled for <see cref="s_quiet"/>.</summary>
    public static void Run(Action call)
    {
        if (!Enabled)
        {
            return;
        }

        long start = Stopwatch.GetTimestamp();
        long lastCompile = start;
        long compiled = JitInfo.GetCompiledMethodCount();
        for (int calls = 0; calls < 2 || Stopwatch.GetElapsedTime(lastCompile) < s_quiet; calls++)
        {
            call();
            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                (compiled, lastCompile) = (now, Stopwatch.GetTimestamp());
            }

            if (Stopwatch.GetElapsedTime(start) > s_limit)
            {
                return;
            }
        }
    }
}
