using System.Buffers.Binary;

using FastMlp.Peers.Peers;

using static FastMlp.Peers.Tests.SyntheticElf;

namespace FastMlp.Peers.Tests;

/// <summary>
/// <see cref="ElfVersionPatch"/> on synthetic libraries: it weakens exactly the requirements the loader would reject
/// (a version the installed library lacks) that no relocation needs, and leaves the file untouched otherwise.
/// </summary>
public sealed class ElfVersionPatchTests : IDisposable
{
    private const string Stdcxx = "libstdc++.so.6";

    private readonly string _directory = Directory.CreateTempSubdirectory("elf-patch-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>TorchSharp's case: GLIBCXX_3.4.32 missing, its one symbol unused by relocations; 3.4.30 present and used.</summary>
    private static byte[] TorchLike(ushort flags = 0) => Requiring(
        [new(Stdcxx, "GLIBCXX_3.4.30"), new(Stdcxx, "GLIBCXX_3.4.32", flags), new("libc.so.6", "GLIBC_2.2.5")],
        [new("_ZSt4cout", 0, Relocated: true), new("_ZSt21ios_base_library_initv", 1, Relocated: false), new("malloc", 2, Relocated: true)]);

    [Fact]
    public void Weakens_a_missing_version_no_relocation_uses_and_nothing_else()
    {
        string library = Write("lib.so", TorchLike());
        string installed = Write("libstdc++.so.6", Defining("GLIBCXX_3.4", "GLIBCXX_3.4.30"));

        string result = ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed);

        Assert.Equal("weak: GLIBCXX_3.4.32 (symbols _ZSt21ios_base_library_initv)", result);
        Assert.Equal([0, 2, 0], Flags(File.ReadAllBytes(library)));
    }

    [Fact]
    public void Refuses_a_missing_version_a_relocation_uses_and_writes_nothing()
    {
        byte[] original = TorchLike();
        string library = Write("lib.so", original);
        string installed = Write("libstdc++.so.6", Defining("GLIBCXX_3.4"));

        // 3.4.30 is missing too now, and _ZSt4cout, which a relocation binds, has that version.
        string result = ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed);

        Assert.Contains("not weakened: GLIBCXX_3.4.30 (used by relocations of _ZSt4cout)", result, StringComparison.Ordinal);
        Assert.Equal([0, 2, 0], Flags(File.ReadAllBytes(library)));

        // With only the relocated version missing, the file is not rewritten at all.
        string second = Write("second.so", original);
        string onlyMissing30 = Write("only30.so", Defining("GLIBCXX_3.4", "GLIBCXX_3.4.32"));
        Assert.Equal("not weakened: GLIBCXX_3.4.30 (used by relocations of _ZSt4cout)", ElfVersionPatch.WeakenMissingVersions(second, Stdcxx, onlyMissing30));
        Assert.Equal(original, File.ReadAllBytes(second));
    }

    [Fact]
    public void Leaves_a_library_alone_when_every_version_is_installed()
    {
        byte[] original = TorchLike();
        string library = Write("lib.so", original);
        string installed = Write("libstdc++.so.6", Defining("GLIBCXX_3.4", "GLIBCXX_3.4.30", "GLIBCXX_3.4.32"));

        Assert.Equal("no libstdc++.so.6 version missing", ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed));
        Assert.Equal(original, File.ReadAllBytes(library));
    }

    [Fact]
    public void A_second_patch_finds_the_version_already_weak_and_changes_nothing()
    {
        string library = Write("lib.so", TorchLike());
        string installed = Write("libstdc++.so.6", Defining("GLIBCXX_3.4.30"));
        ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed);
        byte[] once = File.ReadAllBytes(library);

        Assert.Equal("weak: GLIBCXX_3.4.32 (already weak)", ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed));
        Assert.Equal(once, File.ReadAllBytes(library));
    }

    [Fact]
    public void Only_requirements_on_the_named_library_are_considered()
    {
        string library = Write("lib.so", TorchLike());

        // libc's GLIBC_2.2.5 is not defined by this "installed" file either, but it is not the dependency asked about.
        string installed = Write("libstdc++.so.6", Defining("GLIBCXX_3.4.30"));
        ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, installed);

        Assert.Equal(0, Flags(File.ReadAllBytes(library))[2]);
    }

    [Fact]
    public void Leaves_a_file_that_is_not_elf64_little_endian_alone()
    {
        byte[] notElf = new byte[256];
        string library = Write("text.so", notElf);

        Assert.EndsWith("is not ELF64 little-endian; left alone", ElfVersionPatch.WeakenMissingVersions(library, Stdcxx, library), StringComparison.Ordinal);
        Assert.Equal(notElf, File.ReadAllBytes(library));
    }

    private string Write(string name, byte[] image)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, image);
        return path;
    }

    /// <summary>The vna_flags of every Vernaux entry, in file order (section 4 is .gnu.version_r in SyntheticElf).</summary>
    private static int[] Flags(byte[] image)
    {
        long table = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        int verneed = (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan((int)table + (4 * 64) + 24));
        var flags = new List<int>();
        for (int entry = verneed; ;)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(entry + 2));
            for (int a = 0; a < count; a++)
            {
                flags.Add(BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(entry + 16 + (16 * a) + 4)));
            }

            uint next = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(entry + 12));
            if (next == 0)
            {
                return [.. flags];
            }

            entry += (int)next;
        }
    }
}
