// Prints one entry of a zip archive (a .nupkg or .snupkg) to stdout: tests/package/run.sh reads the .nuspec and the
// PDB with it, so the check needs nothing beyond the .NET SDK. Usage: dotnet run ZipEntry.cs -- ARCHIVE ENTRY
using System.IO.Compression;

using ZipArchive archive = ZipFile.OpenRead(args[0]);
ZipArchiveEntry entry = archive.GetEntry(args[1]) ?? throw new FileNotFoundException($"{args[0]} has no entry {args[1]}");
using Stream content = entry.Open();
using Stream stdout = Console.OpenStandardOutput();
content.CopyTo(stdout);
