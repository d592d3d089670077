// TempDirectory: a fresh directory under the system temp folder, deleted on Dispose.
namespace FastMlp.Tests.Data;

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "FastMlp.Tests." + Guid.NewGuid().ToString("N"));

    /// <summary>Writes <paramref name="bytes"/> to a file in this directory and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to a file in this directory and returns its path.</summary>
    public string WriteText(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere (a failed test): leave it to the temp cleaner.
        }
    }
}
