using System.Runtime.InteropServices;

using FastMlp.Peers.Infrastructure;

using TorchSharp;

namespace FastMlp.Peers.Peers;

/// <summary>
/// TorchSharp (libtorch CPU; MKL inside for the GEMMs). Loading is probed once; a failure becomes the peer's reason.
/// On Linux the probe first applies <see cref="ElfVersionPatch"/> to the build output's libLibTorchSharp.so, so a
/// Debian 12 libstdc++ (which lacks GLIBCXX_3.4.32) loads it; the detail line says what was patched.
/// </summary>
internal static class TorchPeer
{
    private const string Name = "TorchSharp";
    private const string Bindings = "libLibTorchSharp.so";
    private const string StandardLibrary = "libstdc++.so.6";

    private static readonly Lazy<PeerInfo> s_info = new(Load);

    public static PeerInfo Info => s_info.Value;

    /// <summary>libtorch's intra-op thread count for every later call.</summary>
    public static void SetThreads(int threads)
    {
        if (!Info.Loaded)
        {
            throw new InvalidOperationException($"TorchSharp is not loaded: {Info.Detail}");
        }

        torch.set_num_threads(threads);
    }

    private static PeerInfo Load()
    {
        string version = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "";
        string patch = "";
        try
        {
            if (OperatingSystem.IsLinux())
            {
                patch = PatchBindings();
            }

            torch.InitializeDeviceType(DeviceType.CPU);
            return new PeerInfo(Name, true, version, $"libtorch {torch.__version__}; {torch.get_num_threads()} threads by default; {patch}");
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or IOException)
        {
            Exception inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            // TorchSharp appends its whole native-load trace (several KiB); the first line carries the reason.
            string reason = inner.Message.Split('\n', 2)[0].Trim();
            return PeerInfo.Failed(Name, version, $"{inner.GetType().Name}: {reason}{(patch.Length > 0 ? $" ({patch})" : "")}");
        }
    }

    /// <summary>Weakens, in each copy of the bindings under the build output, the libstdc++ versions this system lacks.</summary>
    private static string PatchBindings()
    {
        string? installed = LoadedPath(StandardLibrary);
        if (installed is null)
        {
            return $"{StandardLibrary} not found; bindings left alone";
        }

        string[] copies = Directory.GetFiles(AppContext.BaseDirectory, Bindings, SearchOption.AllDirectories);
        return copies.Length == 0
            ? $"no {Bindings} under {AppContext.BaseDirectory}"
            : string.Join("; ", copies.Select(c =>
                $"{Path.GetRelativePath(AppContext.BaseDirectory, c)}: {ElfVersionPatch.WeakenMissingVersions(c, StandardLibrary, installed)}").Distinct());
    }

    /// <summary>The file the dynamic loader maps for <paramref name="soname"/> (loading it if nothing has yet).</summary>
    private static string? LoadedPath(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out _))
        {
            return null;
        }

        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is int slash and >= 0 ? line[slash..] : "")
            .FirstOrDefault(path => Path.GetFileName(path).StartsWith(soname, StringComparison.Ordinal));
    }
}
